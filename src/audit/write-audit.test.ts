import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import { err, ok } from '../domain/result.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import type { IncomingObject, Sharing } from '../store/types.ts';
import { testDatabase, testDialects, type TestDatabase } from '../../test/helpers/store.ts';
import { createAuditLog, type AuditLog } from './audit-log.ts';
import { writeAudit } from './object-events.ts';

const ORG = 'identity--0c000000-0000-4000-8000-00000000000c' as OrgId;
const USER = '22222222-0000-4000-8000-000000000000' as UserId;
const ACTOR = { orgId: ORG, userId: USER };
const SHARING: Sharing = { owner: ORG, tlp: 'amber', audience: ['state:55'] };

/** A note with the audit entry of its write (a share when new, a version when newer). */
function note(log: AuditLog, options: { id?: StixId; modified?: string; minted?: boolean } = {}): IncomingObject {
  const id = options.id ?? (`note--${randomUUID()}` as StixId);
  const modified = options.modified ?? '2026-11-03T12:00:00.000Z';
  const json = JSON.stringify({ type: 'note', spec_version: '2.1', id, created: '2026-11-03T12:00:00.000Z', modified, content: 'polls open late', object_refs: ['identity--0c000000-0000-4000-8000-00000000000c'] });
  return { id, type: 'note', created: '2026-11-03T12:00:00.000Z', modified, revoked: false, name: null, description: 'polls open late', json, sharing: SHARING, ...(options.minted === false ? {} : { minted: true }), audit: writeAudit(log, ACTOR, id, SHARING) };
}

describe.each(testDialects())('audit entries written with the write on %s', (dialect) => {
  let test: TestDatabase;
  let store: RampartStore;
  let log: AuditLog;

  beforeEach(async () => {
    test = testDatabase(dialect);
    store = await openStore({ url: test.url });
    log = createAuditLog(store, { now: () => new Date(Date.UTC(2026, 10, 3, 12, 0, 0)) });
  });
  afterEach(async () => {
    await store.close();
    await test.drop();
  });

  const shares = async () => (await log.entries(0, 1000)).filter((e) => e.action === 'share' || e.action === 'version');

  it('appends a share with a minted write (one statement on PostgreSQL), among plain appends and other writes made at the same time: one chain, every entry once', async () => {
    const items = Array.from({ length: 24 }, () => note(log));
    await Promise.all([
      ...items.map((item) => store.stix.write(async (w) => ok(await w.putBatch([item], 'reject')))),
      ...Array.from({ length: 8 }, (_, i) => log.record({ actorOrg: ORG, actorUser: null, action: 'read', details: { i } })),
    ]);
    const report = await log.verify();
    expect(report.findings).toEqual([]);
    expect(report.entries).toBe(32);
    const written = await shares();
    expect(written.map((e) => e.object_id).sort()).toEqual(items.map((i) => i.id).sort());
    expect(written[0]).toMatchObject({ actor_org: ORG, actor_user: USER, action: 'share', subject_org: ORG, details: { tlp: 'amber', audience: ['state:55'] } });
    for (const item of items) expect(await store.stix.get({ kind: 'operator' }, item.id)).not.toBeNull();
  });

  it('appends a version for a newer version, nothing for one unchanged or refused, nothing when the write returns an error', async () => {
    const first = note(log, { minted: false });
    await store.stix.write(async (w) => ok(await w.putBatch([first], 'reject')));
    const newer = note(log, { id: first.id, modified: '2026-11-03T13:00:00.000Z', minted: false });
    const outcomes = await store.stix.write(async (w) => ok(await w.putBatch([newer, { ...first }], 'reject')));
    expect(outcomes.ok && outcomes.value.map((o) => o.kind)).toEqual(['new-version', 'unchanged']);
    const conflicting = { ...note(log, { id: first.id, minted: false }), json: first.json.replace('late', 'later') };
    const refused = await store.stix.write(async (w) => ok(await w.putBatch([conflicting], 'reject')));
    expect(refused.ok && refused.value.map((o) => o.kind)).toEqual(['rejected']);
    const dropped = note(log);
    const failed = await store.stix.write(async (w) => {
      await w.putBatch([dropped], 'reject');
      return err('no');
    });
    expect(failed.ok).toBe(false);
    expect(await store.stix.get({ kind: 'operator' }, dropped.id)).toBeNull();
    expect((await shares()).map((e) => [e.action, e.object_id])).toEqual([
      ['share', first.id],
      ['version', first.id],
    ]);
    expect((await log.verify()).findings).toEqual([]);
  });

  it('appends the entries of a minted batch that a later call of the same write takes into a transaction', async () => {
    const minted = note(log);
    const other = note(log, { minted: false });
    await store.stix.write(async (w) => {
      await w.putBatch([minted], 'reject');
      await w.visibleOwners({ kind: 'operator' }, [minted.id]);
      return ok(await w.putBatch([other], 'reject'));
    });
    expect((await shares()).map((e) => e.object_id)).toEqual([minted.id, other.id]);
    expect((await log.verify()).findings).toEqual([]);
  });
});
