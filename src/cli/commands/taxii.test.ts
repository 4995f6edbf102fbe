import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from '../../../test/helpers/cli.ts';
import { startHub, type Account, type Hub } from '../../../test/helpers/federation-hub.ts';
import type { OrgId, StixId } from '../../domain/ids.ts';
import { hubOrigin, remoteOwnerId } from '../../domain/remote-owner.ts';
import { TLP_MARKING_IDS } from '../../domain/tlp.ts';
import { importObjects } from '../../ingest/import.ts';
import { openStore } from '../../store/index.ts';
import { authFromFlags, taxiiCommand } from './taxii.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-taxii-cli-'));
const LOCAL = 'identity--0000000b-0000-4000-8000-000000000000' as OrgId;

function cli(args: string[]): Promise<CommandRun> {
  return runCommand(taxiiCommand().exitOverride(), args);
}

function indicator(n: number, tlp: 'green' | 'amber', owner: OrgId): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${String(n).padStart(8, '0')}-2222-4222-8222-222222222222`,
    created: '2026-10-02T12:00:00.000Z',
    modified: '2026-10-02T12:00:00.000Z',
    created_by_ref: owner,
    pattern: `[domain-name:value = 'results${n}.example']`,
    pattern_type: 'stix',
    valid_from: '2026-10-02T12:00:00Z',
    object_marking_refs: [TLP_MARKING_IDS[tlp]],
  };
}

async function sharingOf(db: string, id: unknown) {
  const store = await openStore({ url: db });
  try {
    return (await store.stix.get({ kind: 'operator' }, id as StixId))?.sharing ?? null;
  } finally {
    await store.close();
  }
}

let remote: Hub<'alice'>;
let alice: Account;
let X: OrgId;
let objects: Record<string, unknown>[] = [];

beforeAll(async () => {
  remote = await startHub({ alice: { kind: 'isac', name: 'Alice ISAC' } }, {});
  alice = remote.accounts.alice;
  X = alice.orgId;
  objects = [indicator(1, 'green', X), indicator(2, 'green', X), indicator(3, 'amber', X)];
  for (const object of objects) {
    const res = await remote.as(alice).post('/api/v1/objects', { object });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
});
afterAll(async () => {
  await remote.stop();
});

describe('rampart taxii', () => {
  const db = path.join(dir, 'local.sqlite');

  it('pulls a collection page by page, keeping creator and TLP, and resumes where it stopped', async () => {
    const args = ['pull', `${remote.url}/taxii2/`, '--collection', 'my-organization', '--api-key', alice.secret, '--db', db, '--owner', LOCAL, '--limit', '1'];
    const first = await cli(args);
    expect(first.err).toBe('');
    expect(first.exit).toBe(0);
    // Alice's organization owns its STIX identity too: four objects, one per page.
    expect(first.out).toMatch(/4 objects in 4 pages: 4 added, 0 new versions, 0 unchanged, 0 of this hub's own skipped, 0 rejected/);
    // Owned here by Alice's organization as received from that hub: a remote owner, never X itself.
    const owner = remoteOwnerId(hubOrigin(remote.url), X);
    expect(await sharingOf(db, objects[0]?.['id'])).toEqual({ owner, tlp: 'green', audience: ['community'] });
    expect(await sharingOf(db, objects[2]?.['id'])).toEqual({ owner, tlp: 'amber', audience: [`org:${LOCAL}`] });

    const again = await cli(args);
    expect(again.exit).toBe(0);
    expect(again.out).toMatch(/: 0 objects in 1 pages: 0 added/);
    const since = await cli([...args, '--since', '2000-01-01T00:00:00Z', '--json']);
    expect(JSON.parse(since.out)).toMatchObject({ objects: 4, added: 0, unchanged: 4 });
  });

  it('refuses bad flags and bad credentials with exit codes 2 and 1, storing nothing', async () => {
    const fresh = path.join(dir, 'untouched.sqlite');
    const base = ['pull', `${remote.url}/taxii2/`, '--collection', 'my-organization', '--db', fresh];
    const badTlp = await cli([...base, '--api-key', alice.secret, '--tlp', 'purple']);
    expect(badTlp.exit).toBe(2);
    expect(badTlp.err).toMatch(/--tlp "purple" is not a TLP level/);
    expect((await cli([...base, '--user', 'alice'])).exit).toBe(2);
    expect((await cli([...base, '--api-key', alice.secret, '--since', 'yesterday'])).exit).toBe(2);
    const wrongKey = await cli([...base, '--api-key', 'rk_wrong', '--retries', '0']);
    expect(wrongKey.exit).toBe(1);
    expect(wrongKey.err).toMatch(/401.*check the user and password or API key/);
    const missing = await cli([...base, '--api-key', alice.secret, '--collection', 'no-such-collection']);
    expect(missing.exit).toBe(1);
    expect(missing.err).toMatch(/no API root .* has a collection "no-such-collection"/);
    expect(await sharingOf(fresh, objects[0]?.['id'])).toBeNull();
  });

  it("pushes only the chosen organization's own objects that it shared with the keys: never another owner's shared with it, nor one it named people on", async () => {
    const local = await openStore({ url: db });
    const mine = indicator(4, 'amber', X);
    const notMine = indicator(5, 'amber', LOCAL);
    // LOCAL's, shared with X: X may read it, but only LOCAL decides where it goes.
    const sharedWithX = indicator(6, 'amber', LOCAL);
    // X's own, TLP:RED to one person: it names people, not the keys pushed with.
    const red: Record<string, unknown> = { ...indicator(7, 'amber', X), object_marking_refs: [TLP_MARKING_IDS.red] };
    try {
      const bundle = JSON.stringify({ type: 'bundle', id: 'bundle--3a3a3a3a-3a3a-4a3a-8a3a-3a3a3a3a3a3a', objects: [mine] });
      expect((await importObjects(local.stix, [bundle], { hubOwner: LOCAL, audience: [`org:${X}`] })).ok).toBe(true);
      const other = JSON.stringify({ type: 'bundle', id: 'bundle--3b3b3b3b-3a3a-4a3a-8a3a-3a3a3a3a3a3a', objects: [notMine] });
      expect((await importObjects(local.stix, [other], { hubOwner: LOCAL, audience: [`org:${LOCAL}`] })).ok).toBe(true);
      const shared = JSON.stringify({ type: 'bundle', id: 'bundle--3c3c3c3c-3a3a-4a3a-8a3a-3a3a3a3a3a3a', objects: [sharedWithX] });
      expect((await importObjects(local.stix, [shared], { hubOwner: LOCAL, audience: [`org:${X}`] })).ok).toBe(true);
      const named = JSON.stringify({ type: 'bundle', id: 'bundle--3d3d3d3d-3a3a-4a3a-8a3a-3a3a3a3a3a3a', objects: [red] });
      expect((await importObjects(local.stix, [named], { hubOwner: LOCAL, audience: ['user:11111111-0000-4000-8000-000000000000'] })).ok).toBe(true);
    } finally {
      await local.close();
    }
    // Without --keys: what X shared with every member (community), not what it kept within itself.
    const byDefault = await cli(['push', `${remote.url}/taxii2/`, '--collection', 'my-organization', '--api-key', alice.secret, '--db', db, '--as', X, '--json']);
    expect(byDefault.err).toBe('');
    expect((JSON.parse(byDefault.out) as { sent: number }).sent).toBe(0);
    expect(await remote.store.stix.get({ kind: 'operator' }, mine['id'] as StixId)).toBeNull();
    const pushed = await cli(['push', `${remote.url}/taxii2/`, '--collection', 'my-organization', '--api-key', alice.secret, '--db', db, '--as', X, '--keys', `org:${X}`, '--json']);
    expect(pushed.err).toBe('');
    const summary = JSON.parse(pushed.out) as { sent: number; failed: number };
    // What X owns here and shared with org:X (the new one); never the LOCAL-only indicator, LOCAL's shared with X, X's TLP:RED one, nor what was received from X's hub (owned by a remote owner).
    expect(summary.sent).toBe(1);
    expect(pushed.exit).toBe(summary.failed > 0 ? 1 : 0);
    expect((await remote.as(alice).get(`/api/v1/objects/${String(mine['id'])}`)).status).toBe(200);
    for (const o of [notMine, sharedWithX, red]) expect(await remote.store.stix.get({ kind: 'operator' }, o['id'] as StixId)).toBeNull();
  });

  it('reads credentials from flags or the environment', () => {
    expect(authFromFlags({ retries: '5' }, { RAMPART_TAXII_API_KEY: 'k' })).toEqual({ ok: true, value: { kind: 'bearer', token: 'k' } });
    expect(authFromFlags({ retries: '5', user: 'u' }, { RAMPART_TAXII_PASSWORD: 'p', RAMPART_TAXII_API_KEY: 'k' })).toEqual({ ok: true, value: { kind: 'basic', user: 'u', password: 'p' } });
    expect(authFromFlags({ retries: '5', apiKey: 'k', user: 'u' }, {}).ok).toBe(false);
    expect(authFromFlags({ retries: '5' }, {})).toEqual({ ok: true, value: { kind: 'none' } });
  });
});
