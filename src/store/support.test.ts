import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgId, UserId } from '../domain/ids.ts';
import { testDatabase, testDialects, type TestDatabase } from '../../test/helpers/store.ts';
import { openStore, type RampartStore } from './index.ts';
import { supportRepository, type SupportRepository } from './support.ts';

const A = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
const P = 'identity--0b000000-0000-4000-8000-00000000000b' as OrgId;
const S = 'identity--0c000000-0000-4000-8000-00000000000c' as OrgId;
const X = 'identity--0d000000-0000-4000-8000-00000000000d' as OrgId;

describe.each(testDialects())('support repository on %s', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let repo: SupportRepository;
  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    repo = supportRepository(store.database);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('keeps one offering per provider and service, and lists active ones', async () => {
    await repo.putOffering({ providerOrg: P, service: 'threat-briefing', description: 'v1', active: true, updatedAt: 1 });
    await repo.putOffering({ providerOrg: P, service: 'threat-briefing', description: 'v2', active: true, updatedAt: 2 });
    await repo.putOffering({ providerOrg: P, service: 'tabletop-exercise', description: 'off', active: false, updatedAt: 3 });
    expect((await repo.offerings({ activeOnly: true })).map((o) => [o.service, o.description])).toEqual([['threat-briefing', 'v2']]);
    expect(await repo.offerings({ providerOrg: P, activeOnly: false })).toHaveLength(2);
  });

  it('shows a request to its requester, provider and added parties only (the rule in the query)', async () => {
    await repo.addRequest({ id: '11111111-1111-4111-8111-111111111111', requesterOrg: A, providerOrg: P, service: 'threat-briefing', title: 't', details: 'd', urgent: false, status: 'requested', scheduledFor: null, createdBy: '22222222-2222-4222-8222-222222222222' as UserId, createdAt: 10, updatedAt: 10 });
    const id = '11111111-1111-4111-8111-111111111111';
    expect(await repo.requestFor(S, id)).toBeNull();
    expect(await repo.addParty(id, S, 20)).toBe(true);
    expect(await repo.addParty(id, S, 21)).toBe(false);
    for (const org of [A, P, S]) expect((await repo.requestFor(org, id))?.parties).toEqual([S]);
    expect(await repo.requestFor(X, id)).toBeNull();
    expect(await repo.requestsFor(X, 10)).toEqual([]);
    await repo.setStatus(id, 'scheduled', '2026-10-20T14:00:00Z', 30);
    await repo.addMessage({ id: '33333333-3333-4333-8333-333333333333', requestId: id, authorOrg: P, authorUser: null, body: 'hi', at: 40 });
    expect(await repo.requestsFor(S, 10)).toMatchObject([{ status: 'scheduled', scheduledFor: '2026-10-20T14:00:00Z', updatedAt: 40 }]);
    expect((await repo.messages(id)).map((m) => [m.authorOrg, m.body, m.at])).toEqual([[P, 'hi', 40]]);
  });
});
