import { createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import { parseOrgId, type OrgId } from '../domain/ids.ts';
import { ok } from '../domain/result.ts';
import { newKeyPair } from '../statements/signing.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { appendTransparency, transparencyRepository, type TransparencyTables } from '../store/transparency.ts';
import { checkpointIfDue, startCheckpoints, type TransparencyDeps } from './service.ts';

const hub = parseOrgId('identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33');
if (!hub.ok) throw new Error('bad hub id');
const HUB: OrgId = hub.value;
const pair = newKeyPair();
let db: TestDatabase;
let store: RampartStore;
let now = Date.parse('2026-11-03T12:00:00.000Z');
let deps: TransparencyDeps;

beforeAll(async () => {
  db = testDatabase('sqlite');
  store = await openStore({ url: db.url });
  deps = { repo: transparencyRepository(store.database), clock: { now: () => new Date(now) }, hubOwner: HUB, hubKey: () => Promise.resolve(ok({ keyId: pair.keyId, privateKey: createPrivateKey(pair.privatePem) })) };
});
afterAll(async () => {
  await store.close();
  await db.drop();
});

const append = (title: string) => store.database.db.transaction().execute((trx) => appendTransparency(trx.withTables<TransparencyTables>(), [{ kind: 'correction-published', time: new Date(now).toISOString(), content: { title } }]));

describe('checkpoints', () => {
  it('signs when the log grew or the latest is older than allowed, and otherwise gives the latest back', async () => {
    const empty = await checkpointIfDue(deps, 60_000);
    expect(empty.ok && [empty.value.made, empty.value.checkpoint.tree_size]).toEqual([true, 0]);
    expect((await checkpointIfDue(deps, 60_000)).ok && (await checkpointIfDue(deps, 60_000))).toMatchObject({ value: { made: false, checkpoint: { id: 1 } } });
    await append('one');
    const grown = await checkpointIfDue(deps, 60_000);
    expect(grown.ok && [grown.value.made, grown.value.checkpoint.id, grown.value.checkpoint.tree_size]).toEqual([true, 2, 1]);
    now += 61_000;
    const aged = await checkpointIfDue(deps, 60_000);
    expect(aged.ok && [aged.value.made, aged.value.checkpoint.id, aged.value.checkpoint.tree_size]).toEqual([true, 3, 1]);
  });

  it('signs on its own, every interval, once the log grew', async () => {
    await append('two');
    const stop = startCheckpoints(deps, 20, (error) => {
      throw error;
    });
    try {
      await vi.waitFor(async () => expect((await deps.repo.latestCheckpoint())?.tree_size).toBe(2), { timeout: 5000, interval: 20 });
    } finally {
      stop();
    }
  });
});
