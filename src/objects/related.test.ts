import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type RampartStore } from '../store/index.ts';
import { bearer, harness, ORG_A, PHISHING_ID, phishingIndicator, type Harness } from '../../test/helpers/http.ts';

let store: RampartStore;
let h: Harness;

beforeEach(async () => {
  store = await openStore({ url: ':memory:' });
  h = await harness({ stix: store.stix, now: () => new Date('2024-11-06T09:00:00.000Z') });
});
afterEach(async () => {
  await h.close();
  await store.close();
});

const MALWARE = 'malware--0a000000-0000-4000-8000-000000000001';
const TECHNIQUE = 'attack-pattern--0a000000-0000-4000-8000-000000000002';
const INDICATES = 'relationship--0a000000-0000-4000-8000-000000000003';
const USES = 'relationship--0a000000-0000-4000-8000-000000000004';
const T = '2024-11-05T13:00:00.000Z';

const malware = { type: 'malware', spec_version: '2.1', id: MALWARE, created: T, modified: T, name: 'PollPest loader (fictional)', is_family: true };
const technique = { type: 'attack-pattern', spec_version: '2.1', id: TECHNIQUE, created: T, modified: T, name: 'Spearphishing link' };
const relationship = (id: string, type: string, source: string, target: string) => ({ type: 'relationship', spec_version: '2.1', id, created: T, modified: T, relationship_type: type, source_ref: source, target_ref: target });

async function publish(key: string, object: object, tlp: string, audience: readonly string[]) {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(key), payload: { object, tlp, audience } });
  expect(res.statusCode, res.body).toBe(201);
}

interface Related {
  readonly items: readonly { relationship: { id: string }; direction: string; other: { id: string; type: string; name: string | null; revoked: boolean } | null }[];
  readonly next_cursor: string | null;
}

describe('GET /api/v1/objects/{id}/related', () => {
  beforeEach(async () => {
    // Org A's indicator stays inside A; its link to B's malware is shared with everyone; the malware's technique link is A's alone.
    await publish(h.b.writeKey, malware, 'green', ['community']);
    await publish(h.a.writeKey, technique, 'green', ['community']);
    await publish(h.a.writeKey, phishingIndicator(), 'amber', [`org:${ORG_A}`]);
    await publish(h.a.writeKey, relationship(INDICATES, 'indicates', PHISHING_ID, MALWARE), 'green', ['community']);
    await publish(h.a.writeKey, relationship(USES, 'uses', MALWARE, TECHNIQUE), 'amber', [`org:${ORG_A}`]);
  });

  const related = async (key: string, id: string, query = '') => {
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/objects/${id}/related${query}`, headers: bearer(key) });
    return { status: res.statusCode, body: res.json<Related & { code?: string }>() };
  };

  it('lists both directions with the other end for a reader who may see everything', async () => {
    const { status, body } = await related(h.a.readKey, MALWARE);
    expect(status).toBe(200);
    expect(body.items.map((i) => [i.relationship.id, i.direction, i.other])).toEqual([
      [INDICATES, 'in', { id: PHISHING_ID, type: 'indicator', name: 'Phishing domain impersonating the county clerk', revoked: false }],
      [USES, 'out', { id: TECHNIQUE, type: 'attack-pattern', name: 'Spearphishing link', revoked: false }],
    ]);
    expect(body.next_cursor).toBeNull();
  });

  it('shows another reader only the relationships shared with it, and no other end that was not', async () => {
    const { status, body } = await related(h.b.readKey, MALWARE);
    expect(status).toBe(200);
    expect(body.items).toEqual([expect.objectContaining({ relationship: expect.objectContaining({ id: INDICATES }) as unknown, direction: 'in', other: null })]);
    // The object itself must be visible: otherwise it does not exist for this reader.
    expect((await related(h.b.readKey, PHISHING_ID)).status).toBe(404);
  });

  it('pages with limit and cursor, and refuses bad ones with 400', async () => {
    const first = await related(h.a.readKey, MALWARE, '?limit=1');
    expect(first.body.items.map((i) => i.relationship.id)).toEqual([INDICATES]);
    const second = await related(h.a.readKey, MALWARE, `?limit=1&cursor=${first.body.next_cursor ?? ''}`);
    expect(second.body.items.map((i) => i.relationship.id)).toEqual([USES]);
    expect((await related(h.a.readKey, MALWARE, '?limit=0')).status).toBe(400);
    const bad = await related(h.a.readKey, MALWARE, '?cursor=nonsense');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid-cursor');
    expect((await related(h.a.readKey, 'not-an-id')).status).toBe(400);
  });
});
