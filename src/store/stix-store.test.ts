import { sql } from 'kysely';
import { up } from './migrations/0007-stix-refs.ts';
import { up as upRecordsPerOwner } from './migrations/0011-records-per-owner.ts';
import { describe, expect, it } from 'vitest';
import type { OrgId, StixId } from '../domain/ids.ts';
import { err, ok } from '../domain/result.ts';
import { testDialects } from '../../test/helpers/store.ts';
import type { StixStore } from './types.ts';
import type { Database } from './db.ts';
import { GREEN_A, OPERATOR, ORG_A, ORG_B, PUBLIC, freshStores, listAll, member, obj, put, share, uuid } from '../../test/helpers/stix-kit.ts';

describe.each(testDialects())('STIX store on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('opens, migrates, answers ping, and reopens an existing database', async () => {
    const { store, open } = await fresh();
    await store.ping();
    expect(store.dialect).toBe(dialect);
    await put(store.stix, [obj()]);
    const again = await open();
    expect(await again.stix.count(OPERATOR)).toBe(1);
  });

  it('changeMarks gives each type exactly its changeMark, in one statement, and each moves only with writes of its type', async () => {
    const { store } = await fresh();
    const types = ['indicator', 'malware', 'report', 'x-never-stored'];
    const each = () => Promise.all(types.map((t) => store.stix.changeMark(t)));
    expect(await store.stix.changeMarks([])).toEqual([]);
    const empty = await store.stix.changeMarks(types);
    expect(empty).toEqual(await each());
    const indicator = obj({ name: 'one' });
    await put(store.stix, [indicator, obj({ type: 'malware', name: 'm' })]);
    const written = await store.stix.changeMarks(types);
    expect(written).toEqual(await each());
    expect(written.map((m, i) => m !== empty[i])).toEqual([true, true, false, false]);
    await store.stix.reshare(indicator.id, share(ORG_A, 'green', [`org:${ORG_A}`]));
    const reshared = await store.stix.changeMarks(types);
    expect(reshared).toEqual(await each());
    expect(reshared.map((m, i) => m !== written[i])).toEqual([true, false, false, false]);
    // Asked in another order, the same marks in that order.
    expect(await store.stix.changeMarks([...types].reverse())).toEqual([...reshared].reverse());
  });

  describe('versions by modified', () => {
    it('adds, ignores an identical copy, adds a newer version and keeps the older one', async () => {
      const { store } = await fresh();
      const v1 = obj({ name: 'one' });
      const v2 = obj({ id: v1.id, modified: '2024-10-02T12:00:00.000Z', name: 'two' });
      expect(await put(store.stix, [v1])).toEqual(['added']);
      expect(await put(store.stix, [v1])).toEqual(['unchanged']);
      expect(await put(store.stix, [v2])).toEqual(['new-version']);
      expect((await store.stix.get(OPERATOR, v1.id))?.json).toBe(v2.json);
      const all = await store.stix.versions(OPERATOR, v1.id);
      expect(all.map((v) => [v.modified, v.isLatest, v.json])).toEqual([
        [v1.modified, false, v1.json],
        [v2.modified, true, v2.json],
      ]);
      expect(await store.stix.count(OPERATOR)).toBe(1);
      expect(await store.stix.count(OPERATOR, { versions: 'all' })).toBe(2);
    });

    it('stores an older version arriving after a newer one as a non-latest version', async () => {
      const { store } = await fresh();
      const v2 = obj({ modified: '2024-10-02T12:00:00.000Z' });
      const v1 = obj({ id: v2.id, modified: '2024-10-01T12:00:00.000Z' });
      expect(await put(store.stix, [v2])).toEqual(['added']);
      expect(await put(store.stix, [v1])).toEqual(['new-version']);
      expect((await store.stix.get(OPERATOR, v2.id))?.modified).toBe(v2.modified);
      expect((await listAll(store.stix, OPERATOR)).map((v) => v.modified)).toEqual([v2.modified]);
      expect((await store.stix.versions(OPERATOR, v2.id)).map((v) => v.isLatest)).toEqual([false, true]);
    });

    it('orders versions by time, not text, and treats …:00Z and …:00.000Z as the same version', async () => {
      const { store } = await fresh();
      const whole = obj({ modified: '2024-10-01T12:00:00Z' });
      const half = obj({ id: whole.id, modified: '2024-10-01T12:00:00.5Z' });
      const same = obj({ id: whole.id, modified: '2024-10-01T12:00:00.000Z' });
      expect(await put(store.stix, [whole, half])).toEqual(['added', 'new-version']);
      expect((await store.stix.get(OPERATOR, whole.id))?.modified).toBe(half.modified);
      expect(await put(store.stix, [same])).toEqual(['rejected']);
    });

    it('handles several versions of one object within one batch', async () => {
      const { store } = await fresh();
      const a = obj({ modified: '2024-10-03T00:00:00.000Z' });
      const b = obj({ id: a.id, modified: '2024-10-01T00:00:00.000Z' });
      const c = obj({ id: a.id, modified: '2024-10-02T00:00:00.000Z' });
      expect(await put(store.stix, [a, b, c, a])).toEqual(['added', 'new-version', 'new-version', 'unchanged']);
      expect((await store.stix.versions(OPERATOR, a.id)).map((v) => [v.modified, v.isLatest])).toEqual([
        [b.modified, false],
        [c.modified, false],
        [a.modified, true],
      ]);
    });

    it('finds what earlier batches of the same write stored, on a store that began empty', async () => {
      const { store } = await fresh();
      const v1 = obj({ name: 'one' });
      const v2 = obj({ id: v1.id, modified: '2024-10-02T12:00:00.000Z', name: 'two' });
      const changed = obj({ id: v1.id, name: 'other bytes' });
      const result = await store.stix.write(async (w) => ok([...(await w.putBatch([v1], 'reject')), ...(await w.putBatch([v1, changed, v2], 'reject'))].map((o) => o.kind)));
      expect(result).toEqual(ok(['added', 'unchanged', 'rejected', 'new-version']));
      expect((await store.stix.versions(OPERATOR, v1.id)).map((v) => [v.json, v.isLatest])).toEqual([
        [v1.json, false],
        [v2.json, true],
      ]);
    });

    it('keeps SCOs (no modified) as a single version', async () => {
      const { store } = await fresh();
      const ip = obj({ type: 'ipv4-addr', modified: null, extra: { value: '198.51.100.7' } });
      expect(await put(store.stix, [ip, ip])).toEqual(['added', 'unchanged']);
      expect((await store.stix.get(OPERATOR, ip.id))?.modified).toBeNull();
    });
  });

  describe('conflicting versions', () => {
    it('refuses the same id and modified with other bytes, with a message that says what to do, and stores nothing of it', async () => {
      const { store } = await fresh();
      const v1 = obj({ name: 'first' });
      await put(store.stix, [v1]);
      const changed = obj({ id: v1.id, name: 'second' });
      const result = await store.stix.write(async (w) => ok(await w.putBatch([changed], 'reject')));
      expect(result).toMatchObject({ ok: true, value: [{ kind: 'rejected', code: 'version-conflict', message: expect.stringMatching(/later "modified"/) as unknown }] });
      expect((await store.stix.get(OPERATOR, v1.id))?.json).toBe(v1.json);
    });

    it('replaces the stored bytes under policy replace, with a new added time', async () => {
      const { store } = await fresh();
      const v1 = obj({ name: 'first' });
      await put(store.stix, [v1]);
      const before = await store.stix.get(OPERATOR, v1.id);
      const changed = obj({ id: v1.id, name: 'second' });
      expect(await put(store.stix, [changed], 'replace')).toEqual(['new-version']);
      const after = await store.stix.get(OPERATOR, v1.id);
      expect(after?.json).toBe(changed.json);
      expect(after?.addedUs).toBeGreaterThan(before?.addedUs ?? Infinity);
      expect(await store.stix.count(OPERATOR, { versions: 'all' })).toBe(1);
    });
  });

  it('keeps the exact bytes, custom properties and microsecond timestamps', async () => {
    const { store } = await fresh();
    const modified = '2024-10-01T12:00:00.123456Z';
    const json = `{"type":"x-rampart-thing","spec_version":"2.1","id":"x-rampart-thing--${uuid()}",  "created":"2024-10-01T12:00:00.1Z","modified":"${modified}","x_custom":{"b":1,"a":[1.50,"é\\u00e9"]}}`;
    const id = (JSON.parse(json) as { id: StixId }).id;
    await put(store.stix, [obj({ id, type: 'x-rampart-thing', modified }, json)]);
    const stored = await store.stix.get(OPERATOR, id);
    expect(stored?.json).toBe(json);
    expect(stored?.modified).toBe(modified);
    expect(Number.isInteger(stored?.addedUs)).toBe(true);
    // Microseconds since the epoch: after 2020 and not milliseconds.
    expect(stored?.addedUs).toBeGreaterThan(1_577_836_800_000_000);
  });

  it('keeps the revoked flag', async () => {
    const { store } = await fresh();
    const v1 = obj();
    const revoked = obj({ id: v1.id, modified: '2024-10-05T00:00:00.000Z', revoked: true });
    await put(store.stix, [v1]);
    expect((await store.stix.get(OPERATOR, v1.id))?.revoked).toBe(false);
    await put(store.stix, [revoked]);
    expect((await store.stix.get(OPERATOR, v1.id))?.revoked).toBe(true);
    expect((await store.stix.versions(OPERATOR, v1.id)).map((v) => v.revoked)).toEqual([false, true]);
  });

  it('answers for many readers at once exactly what versions() tells each of them of one version', async () => {
    const { store } = await fresh();
    const amber = obj({ sharing: share(ORG_B, 'amber', ['state:55', `org:${ORG_A}`]) });
    const green = obj({ id: amber.id, modified: '2024-10-02T12:00:00.000Z', sharing: share(ORG_B, 'green', ['community']) });
    await put(store.stix, [amber, green]);
    const readers = [
      OPERATOR,
      PUBLIC,
      member(ORG_B, []),
      member(ORG_A, [`org:${ORG_A}`]),
      member('identity--cccccccc-0000-4000-8000-000000000003' as OrgId, ['community', 'state:55']),
      member('identity--dddddddd-0000-4000-8000-000000000004' as OrgId, ['community', 'state:06']),
      { kind: 'audience', keys: ['state:06'] } as const,
      ...Array.from({ length: 320 }, (_, i) => member(`identity--eeeeeeee-0000-4000-8000-${String(i).padStart(12, '0')}` as OrgId, i % 2 === 0 ? ['state:55'] : ['public'])),
    ];
    for (const version of await store.stix.versions(OPERATOR, amber.id)) {
      const expected = await Promise.all(readers.map(async (r) => (await store.stix.versions(r, amber.id)).some((v) => v.addedUs === version.addedUs)));
      expect(await store.stix.seenBy(readers, amber.id, version.addedUs)).toEqual(expected);
      expect(expected.filter(Boolean).length).toBeGreaterThan(1);
    }
    expect(await store.stix.seenBy(readers, amber.id, 1)).toEqual(readers.map(() => false));
  });

  describe('transactions', () => {
    it('rolls back every batch of a write that returns an error', async () => {
      const { store } = await fresh();
      await put(store.stix, [obj()]);
      const result = await store.stix.write(async (w) => {
        await w.putBatch([obj(), obj()], 'reject');
        await w.putBatch([obj()], 'reject');
        return err({ code: 'nope' });
      });
      expect(result).toEqual({ ok: false, error: { code: 'nope' } });
      expect(await store.stix.count(OPERATOR, { versions: 'all' })).toBe(1);
    });

    it('rolls back a write that throws, and the store keeps working', async () => {
      const { store } = await fresh();
      await expect(
        store.stix.write(async (w) => {
          await w.putBatch([obj()], 'reject');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.stix.count(OPERATOR)).toBe(0);
      await put(store.stix, [obj()]);
      expect(await store.stix.count(OPERATOR)).toBe(1);
    });
  });

  it('gives strictly increasing added times within a batch, across batches and across connections, even when the clock stands still or goes back', async () => {
    const { store, open } = await fresh();
    const stuck = await open({ clock: () => 1_700_000_000_000_000 });
    await put(store.stix, [obj(), obj(), obj()]);
    await put(stuck.stix, [obj(), obj()]);
    await Promise.all([put(stuck.stix, [obj(), obj()]), put(stuck.stix, [obj()])]);
    // Two connections of one process: SQLite's lock waits block the thread, so only PostgreSQL interleaves them.
    if (dialect === 'postgres') await Promise.all([put(stuck.stix, [obj()]), put(store.stix, [obj()]), put(stuck.stix, [obj()])]);
    else for (const s of [stuck, store, stuck]) await put(s.stix, [obj()]);
    const all = await listAll(store.stix, OPERATOR, 'all');
    expect(all).toHaveLength(11);
    const times = all.map((v) => v.addedUs);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] ?? Infinity);
  });

  // PostgreSQL only: SQLite takes its write lock at the transaction's start, and its second connection would wait on the thread.
  it.runIf(dialect === 'postgres')('a write of one batch of minted ids holds the write lock for its one statement, sent once it answers: a write made meanwhile is stored first, with an earlier added time', async () => {
    const { store, open } = await fresh();
    const other = await open();
    await put(store.stix, [obj()]);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let planned: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (planned = resolve));
    const late = obj();
    const first = store.stix.write(async (w) => {
      const outcomes = await w.putBatch([{ ...late, minted: true }], 'reject');
      planned();
      await held;
      return ok(outcomes);
    });
    await inside;
    const early = obj();
    expect(await put(other.stix, [{ ...early, minted: true }])).toEqual(['added']);
    release();
    expect((await first).ok).toBe(true);
    const all = await listAll(store.stix, OPERATOR, 'all');
    expect(all.map((v) => v.id).slice(1)).toEqual([early.id, late.id]);
    for (let i = 1; i < all.length; i++) expect(all[i]?.addedUs).toBeGreaterThan(all[i - 1]?.addedUs ?? Infinity);
  });

  it.runIf(dialect === 'postgres')('a write of minted ids that goes on to another call takes the write lock with its reservation and holds it to its commit: a write begun meanwhile on another connection commits after it, with a later added time', async () => {
    const { store, open } = await fresh();
    const other = await open();
    await put(store.stix, [obj()]);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reserved: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (reserved = resolve));
    const first = store.stix.write(async (w) => {
      const outcomes = await w.putBatch([{ ...obj(), minted: true }], 'reject');
      // A second call: the write is a transaction, its first batch written in it first.
      const more = await w.putBatch([{ ...obj(), minted: true }], 'reject');
      reserved();
      await held;
      return ok([...outcomes, ...more]);
    });
    await inside;
    let secondDone = false;
    const second = put(other.stix, [{ ...obj(), minted: true }]).then((kinds) => {
      secondDone = true;
      return kinds;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false);
    release();
    expect((await first).ok).toBe(true);
    expect(await second).toEqual(['added']);
    const times = (await listAll(store.stix, OPERATOR, 'all')).map((v) => v.addedUs);
    expect(times).toHaveLength(4);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] ?? Infinity);
  });

  it('a batch of minted ids is written with whatever else its write does, or not at all', async () => {
    const { store } = await fresh();
    const [a, b, c, d] = [obj(), obj(), obj(), obj()];
    const both = await store.stix.write(async (w) => ok([...(await w.putBatch([{ ...a, minted: true }], 'reject')), ...(await w.putBatch([b], 'reject'))]));
    expect(both).toEqual(ok([{ kind: 'added' }, { kind: 'added' }]));
    expect(await store.stix.write(async (w) => (await w.putBatch([{ ...c, minted: true }], 'reject'), err('refused')))).toEqual(err('refused'));
    await expect(
      store.stix.write(async (w) => {
        await w.putBatch([{ ...d, minted: true }], 'reject');
        throw new Error('a bug');
      }),
    ).rejects.toThrow('a bug');
    expect((await listAll(store.stix, OPERATOR, 'all')).map((v) => v.id).sort()).toEqual([a.id, b.id].sort());
  });

  it('a batch of minted ids stores exactly the rows the same objects store otherwise: versions, audience, references, status reports, search values, change counts and (PostgreSQL) full-text terms', async () => {
    const T = 1_700_000_000_000_000;
    const election = `x-rampart-election--${uuid()}`;
    // One status report claims a time before it is stored, one after (its time is then when it was stored).
    const status = (created: string) => obj({ type: 'x-rampart-status-report', modified: created, sharing: share(ORG_A, 'amber', ['state:06', `org:${ORG_A}`]), extra: { created, election_ref: election, jurisdiction_ref: ORG_A, state_fips: '06', functions: { voting: { level: 'normal' }, counting: { level: 'degraded' } }, summary: 'Lines at two sites' } });
    const items = [
      status('2023-11-14T22:13:00.000Z'),
      status('2030-01-01T00:00:00.000Z'),
      obj({ name: 'Vote portal lookalike', description: 'Phishing of poll workers', extra: { pattern: "[domain-name:value = 'vote-portal.example']", pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z' } }),
      obj({ type: 'sighting', modified: '2024-10-01T12:00:00.000Z', extra: { sighting_of_ref: `indicator--${uuid()}`, where_sighted_refs: [ORG_B] } }),
      obj({ type: 'report', name: 'Named to two people', sharing: share(ORG_A, 'red', ['user:u1', 'user:u2']) }),
    ];
    const stored = async (minted: boolean) => {
      const { store, open } = await fresh();
      const stuck = await open({ clock: () => T });
      // Twice: the second write's reservation follows the first's (the clock stands still).
      expect(await put(stuck.stix, items.slice(0, 2).map((item) => ({ ...item, ...(minted ? { minted } : {}) })))).toEqual(['added', 'added']);
      expect(await put(stuck.stix, items.slice(2).map((item) => ({ ...item, ...(minted ? { minted } : {}) })))).toEqual(['added', 'added', 'added']);
      const q = store.database.db;
      const rows = async (text: string) => (await sql.raw<Record<string, unknown>>(text).execute(q)).rows;
      return {
        version: await rows('select added_us, id, type, modified, mod_key, revoked, is_latest, name, description, json, owner, tlp, audience, named_users, reference from stix_version order by added_us'),
        audience: await rows('select key, added_us, reference from stix_audience order by added_us, key'),
        ref: await rows('select ref, added_us from stix_ref order by added_us, ref'),
        status: await rows('select * from status_report order by added_us'),
        value: await rows('select kind, value, prefix, added_us, owner, audience from stix_value order by added_us, kind, value'),
        change: await rows('select type, n from stix_change order by type'),
        clock: await rows('select last_us from stix_clock'),
        statusChange: await rows('select n from status_change'),
        terms: dialect === 'postgres' ? await rows('select term from stix_fts_term order by term') : [],
      };
    };
    const alone = await stored(true);
    const transaction = await stored(false);
    expect(alone.version).toHaveLength(5);
    expect(alone.status.map((r) => Number(r['reported_us']))).toEqual([Date.parse('2023-11-14T22:13:00.000Z') * 1000, T + 1]);
    expect(alone.value.length).toBeGreaterThan(0);
    expect(alone.ref.length).toBeGreaterThan(0);
    expect(alone).toEqual(transaction);
  });

  describe('list', () => {
    it('pages in ascending added order with an opaque cursor, without gaps or repeats', async () => {
      const { store } = await fresh();
      const items = Array.from({ length: 25 }, () => obj());
      await put(store.stix, items.slice(0, 10));
      await put(store.stix, items.slice(10));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.stix.list(OPERATOR, { limit: 10, ...(cursor === undefined ? {} : { cursor }) });
        if (!page.ok) throw new Error(page.error.message);
        seen.push(...page.value.items.map((v) => v.id));
        cursor = page.value.nextCursor ?? undefined;
        pages++;
      } while (cursor !== undefined);
      expect(pages).toBe(3);
      expect(seen).toEqual(items.map((i) => i.id));
      const exact = await store.stix.list(OPERATOR, { limit: 25 });
      expect(exact.ok && exact.value.nextCursor).toBeNull();
    });

    it('refuses a cursor it did not give out and a limit out of range', async () => {
      const { store } = await fresh();
      expect(await store.stix.list(OPERATOR, { limit: 10, cursor: 'bogus' })).toMatchObject({ ok: false, error: { code: 'invalid-cursor', kind: 'invalid' } });
      expect(await store.stix.list(OPERATOR, { limit: 0 })).toMatchObject({ ok: false, error: { code: 'invalid-limit' } });
      expect(await store.stix.list(OPERATOR, { limit: 1.5 })).toMatchObject({ ok: false, error: { code: 'invalid-limit' } });
      expect(await store.stix.list(OPERATOR, { limit: 5, modifiedFrom: 'yesterday' })).toMatchObject({ ok: false, error: { code: 'invalid-timestamp' } });
    });

    it('filters by type, ids, text, modified range and added time', async () => {
      const { store } = await fresh();
      const ind = obj({ name: 'Phishing Domain', modified: '2024-10-01T00:00:00.000Z' });
      const note = obj({ type: 'note', description: 'Rumour about 100% TURNOUT', modified: '2024-10-05T00:00:00.000Z' });
      const ap = obj({ type: 'attack-pattern', name: 'Spearphishing', modified: '2024-10-09T00:00:00.5Z' });
      await put(store.stix, [ind, note]);
      const firstTwo = await listAll(store.stix, OPERATOR);
      await put(store.stix, [ap]);
      const ids = async (q: Parameters<StixStore['list']>[1]) => {
        const page = await store.stix.list(OPERATOR, q);
        if (!page.ok) throw new Error(page.error.message);
        return page.value.items.map((v) => v.id);
      };
      expect(await ids({ limit: 10, types: ['note', 'attack-pattern'] })).toEqual([note.id, ap.id]);
      expect(await ids({ limit: 10, types: [] })).toEqual([]);
      expect(await ids({ limit: 10, excludeTypes: ['note', 'attack-pattern'] })).toEqual([ind.id]);
      expect(await ids({ limit: 10, excludeTypes: [] })).toEqual([ind.id, note.id, ap.id]);
      expect(await ids({ limit: 10, types: ['note', 'indicator'], excludeTypes: ['note'] })).toEqual([ind.id]);
      expect(await ids({ limit: 10, ids: [ap.id, ind.id] })).toEqual([ind.id, ap.id]);
      // Full text: every word, as a word or the start of one (not the middle of one: "phishing" is not in "Spearphishing").
      expect(await ids({ limit: 10, text: 'phishing' })).toEqual([ind.id]);
      expect(await ids({ limit: 10, text: 'spear' })).toEqual([ap.id]);
      expect(await ids({ limit: 10, text: '100% turn' })).toEqual([note.id]);
      expect(await ids({ limit: 10, text: 'turnout 200' })).toEqual([]);
      expect(await ids({ limit: 10, text: '_' })).toEqual([]);
      expect(await ids({ limit: 10, modifiedFrom: '2024-10-05T00:00:00Z' })).toEqual([note.id, ap.id]);
      expect(await ids({ limit: 10, modifiedTo: '2024-10-09T00:00:00Z' })).toEqual([ind.id, note.id]);
      expect(await ids({ limit: 10, addedAfterUs: firstTwo[1]?.addedUs ?? 0 })).toEqual([ap.id]);
      expect(await store.stix.count(OPERATOR, { text: 'PHISH' })).toBe(1);
    });

    it('finds what refers to an object (sightings of it, relationships from or to it), through the reader\'s visibility', async () => {
      const { store } = await fresh();
      const indicator = obj({ name: 'Phishing Domain' });
      const other = obj({ name: 'Other' });
      const seen = obj({ type: 'sighting', extra: { sighting_of_ref: indicator.id, count: 3 } });
      const seenPrivately = obj({ type: 'sighting', extra: { sighting_of_ref: indicator.id }, sharing: share(ORG_B, 'amber', [`org:${ORG_B}`]) });
      const seenOther = obj({ type: 'sighting', extra: { sighting_of_ref: other.id } });
      const from = obj({ type: 'relationship', extra: { relationship_type: 'indicates', source_ref: indicator.id, target_ref: other.id } });
      const to = obj({ type: 'relationship', extra: { relationship_type: 'related-to', source_ref: other.id, target_ref: indicator.id } });
      await put(store.stix, [indicator, other, seen, seenPrivately, seenOther, from, to]);
      const ids = async (reader: Parameters<StixStore['list']>[0], q: Omit<Parameters<StixStore['list']>[1], 'limit'>) => {
        const page = await store.stix.list(reader, { limit: 10, ...q });
        if (!page.ok) throw new Error(page.error.message);
        return page.value.items.map((v) => v.id);
      };
      expect(await ids(OPERATOR, { refersTo: indicator.id })).toEqual([seen.id, seenPrivately.id, from.id, to.id]);
      expect(await ids(OPERATOR, { refersTo: indicator.id, types: ['sighting'] })).toEqual([seen.id, seenPrivately.id]);
      expect(await ids(member(ORG_B, ['community']), { refersTo: indicator.id, types: ['sighting'] })).toEqual([seen.id, seenPrivately.id]);
      expect(await ids(member(ORG_B, []), { refersTo: indicator.id })).toEqual([seenPrivately.id]);
      expect(await ids(OPERATOR, { refersTo: other.id })).toEqual([seenOther.id, from.id, to.id]);
      // A replaced version points elsewhere: the old reference goes with it.
      const moved = obj({ id: seen.id, type: 'sighting', extra: { sighting_of_ref: other.id, count: 3 } });
      await put(store.stix, [moved], 'replace');
      expect(await ids(OPERATOR, { refersTo: indicator.id, types: ['sighting'] })).toEqual([seenPrivately.id]);
      expect(await ids(OPERATOR, { refersTo: other.id, types: ['sighting'] })).toEqual([seenOther.id, seen.id]);
    });
  });

  it('keeps every version and withdrawal stored before migration 0011, and then lets a second owner record the same id', async () => {
    const { store, open } = await fresh();
    const mine = obj({ name: 'v1' });
    const later = obj({ id: mine.id, modified: '2024-10-02T12:00:00.000Z', name: 'v2' });
    await put(store.stix, [mine, later]);
    await sql`insert into taxii_withdrawn (object_id, version, org_id, withdrawn_us) values (${mine.id}, ${'*'}, ${GREEN_A.owner}, ${1})`.execute(store.database.db);
    await undoRecordsPerOwner(store.database);
    await sql`insert into taxii_withdrawn (object_id, version, org_id, withdrawn_us) values (${mine.id}, ${'*'}, ${GREEN_A.owner}, ${1})`.execute(store.database.db);
    await upRecordsPerOwner(store.database.db);
    const again = await open();
    expect((await again.stix.versions(OPERATOR, mine.id)).map((v) => [v.modified, v.isLatest])).toEqual([
      [mine.modified, false],
      [later.modified, true],
    ]);
    const withdrawn = await sql<{ org_id: string }>`select org_id from taxii_withdrawn`.execute(again.database.db);
    expect(withdrawn.rows).toEqual([{ org_id: GREEN_A.owner }]);
    const theirs = obj({ id: mine.id, name: 'theirs', sharing: share(ORG_B, 'amber', [`org:${ORG_B}`]) });
    expect(await put(again.stix, [theirs])).toEqual(['added']);
    expect((await again.stix.versions(OPERATOR, mine.id)).map((v) => [v.sharing.owner, v.isLatest])).toEqual([
      [GREEN_A.owner, false],
      [ORG_B, true],
      [GREEN_A.owner, true],
    ]);
  });

  it('indexes the references of versions stored before migration 0007 when it runs', async () => {
    const { store, open } = await fresh();
    const indicator = obj();
    const seen = obj({ type: 'sighting', extra: { sighting_of_ref: indicator.id } });
    const rel = obj({ type: 'relationship', extra: { relationship_type: 'indicates', source_ref: indicator.id, target_ref: indicator.id } });
    await put(store.stix, [indicator, seen, rel]);
    // Back to the tables before 0007, with the versions still there, and 0007 run again (later migrations stay as they are).
    await sql`drop table stix_ref`.execute(store.database.db);
    await up(store.database.db);
    const again = await open();
    const page = await again.stix.list(OPERATOR, { limit: 10, refersTo: indicator.id });
    expect(page.ok && page.value.items.map((v) => v.id)).toEqual([seen.id, rel.id]);
    const rows = await sql<{ n: number | string }>`select count(*) as n from stix_ref`.execute(again.database.db);
    expect(Number(rows.rows[0]?.n)).toBe(2);
  });
});

/** Tests only: the tables as they were before migration 0011 (one record per id), with the rows kept. */
async function undoRecordsPerOwner(database: Database<unknown>): Promise<void> {
  await sql`drop index stix_version_id_owner_mod`.execute(database.db);
  await sql`create unique index stix_version_id_mod on stix_version (id, mod_key)`.execute(database.db);
  await sql`drop table taxii_withdrawn`.execute(database.db);
  await sql`create table taxii_withdrawn (object_id text not null, version text not null, org_id text not null, withdrawn_us bigint not null, primary key (object_id, version))`.execute(database.db);
}
