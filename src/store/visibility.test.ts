import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AudienceKey } from '../domain/audience.ts';
import type { StixId } from '../domain/ids.ts';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import { tableRows, testDialects } from '../../test/helpers/store.ts';
import { up } from './migrations/0018-version-own-tlp.ts';
import type { Reader, StixStore } from './types.ts';
import { OPERATOR, ORG_A, ORG_B, PUBLIC, freshStores, member, obj, put, share } from '../../test/helpers/stix-kit.ts';

const STATE = 'state:06' satisfies AudienceKey;
const OTHER_STATE = 'state:41' satisfies AudienceKey;
const ORG_C = 'identity--cccccccc-0000-4000-8000-000000000003';
const GROUP = 'group:11111111-2222-4333-8444-555555555555' satisfies AudienceKey;

describe.each(testDialects())('visibility on %s', (dialect) => {
  const fresh = freshStores(dialect);

  /** One object per sharing, so each reader's expected set is plain to read. */
  async function world(stix: StixStore) {
    const objects = {
      publicByA: obj({ name: 'public', sharing: share(ORG_A, 'clear', ['public']) }),
      communityByA: obj({ name: 'community', sharing: share(ORG_A, 'green', ['community']) }),
      stateByB: obj({ name: 'state', sharing: share(ORG_B, 'amber', [STATE]) }),
      otherStateByB: obj({ name: 'other state', sharing: share(ORG_B, 'amber', [OTHER_STATE]) }),
      groupByB: obj({ name: 'group', sharing: share(ORG_B, 'amber', [GROUP, `org:${ORG_C}`]) }),
      privateToA: obj({ name: 'private', sharing: share(ORG_A, 'amber+strict', []) }),
      redForUser: obj({ name: 'red', sharing: share(ORG_B, 'red', ['user:99999999-2222-4333-8444-555555555555']) }),
    };
    await put(stix, Object.values(objects));
    return objects;
  }

  const names = async (stix: StixStore, reader: Reader) => {
    const page = await stix.list(reader, { limit: 100 });
    if (!page.ok) throw new Error(page.error.message);
    return page.value.items.map((v) => JSON.parse(v.json) as { name: string }).map((o) => o.name).sort();
  };

  it('gives each kind of reader exactly what was shared with it, on every read method', async () => {
    const { store } = await fresh();
    const o = await world(store.stix);
    const readerA = member(ORG_A, ['community', `org:${ORG_A}`]);
    const stateReader = member('identity--dddddddd-0000-4000-8000-000000000004' as typeof ORG_A, ['community', STATE]);
    const cReader = member(ORG_C as typeof ORG_A, [`org:${ORG_C}` as AudienceKey]);
    const nobody = member('identity--eeeeeeee-0000-4000-8000-000000000005' as typeof ORG_A, []);
    expect(await names(store.stix, OPERATOR)).toEqual(['community', 'group', 'other state', 'private', 'public', 'red', 'state']);
    expect(await names(store.stix, PUBLIC)).toEqual(['public']);
    expect(await names(store.stix, readerA)).toEqual(['community', 'private', 'public']);
    expect(await names(store.stix, stateReader)).toEqual(['community', 'state']);
    expect(await names(store.stix, cReader)).toEqual(['group']);
    expect(await names(store.stix, nobody)).toEqual([]);
    expect(await names(store.stix, member(ORG_B, []))).toEqual(['group', 'other state', 'red', 'state']);
    // The audience reader (the part live feeds share) sees what is shared with its keys and owns nothing.
    expect(await names(store.stix, { kind: 'audience', keys: ['community', STATE] })).toEqual(['community', 'state']);
    expect(await names(store.stix, { kind: 'audience', keys: [`org:${ORG_A}`] })).toEqual([]);
    expect(await names(store.stix, { kind: 'audience', keys: [] })).toEqual([]);
    expect(await store.stix.get({ kind: 'audience', keys: [STATE] }, o.stateByB.id)).not.toBeNull();
    expect(await store.stix.get({ kind: 'audience', keys: [STATE] }, o.privateToA.id)).toBeNull();

    expect(await store.stix.count(PUBLIC)).toBe(1);
    expect(await store.stix.count(stateReader)).toBe(2);
    expect(await store.stix.get(stateReader, o.stateByB.id)).not.toBeNull();
    expect(await store.stix.get(stateReader, o.otherStateByB.id)).toBeNull();
    expect(await store.stix.get(PUBLIC, o.communityByA.id)).toBeNull();
    expect(await store.stix.versions(PUBLIC, o.communityByA.id)).toEqual([]);
    expect(await store.stix.versions(PUBLIC, o.publicByA.id)).toHaveLength(1);
    const filtered = await store.stix.list(stateReader, { limit: 10, ids: [o.otherStateByB.id, o.stateByB.id], text: 'state' });
    expect(filtered.ok && filtered.value.items.map((v) => v.id)).toEqual([o.stateByB.id]);
  });

  it('narrows at once, for every version, when the owner reshares', async () => {
    const { store } = await fresh();
    const v1 = obj({ sharing: share(ORG_A, 'green', ['community']) });
    const v2 = obj({ id: v1.id, modified: '2024-12-01T00:00:00.000Z', sharing: share(ORG_A, 'green', ['community']) });
    await put(store.stix, [v1, v2]);
    const reader = member(ORG_B, ['community']);
    expect(await store.stix.versions(reader, v1.id)).toHaveLength(2);
    await store.stix.reshare(v1.id, share(ORG_A, 'amber', [STATE]));
    expect(await store.stix.get(reader, v1.id)).toBeNull();
    expect(await store.stix.versions(reader, v1.id)).toEqual([]);
    expect(await store.stix.count(reader, { versions: 'all' })).toBe(0);
    const stateReader = member(ORG_B, [STATE]);
    // Each version keeps its own TLP: a re-share changes the audience only.
    expect((await store.stix.versions(stateReader, v1.id)).map((v) => v.sharing)).toEqual([
      { owner: ORG_A, tlp: 'green', audience: [STATE] },
      { owner: ORG_A, tlp: 'green', audience: [STATE] },
    ]);
    // Resharing an unknown id changes nothing and creates nothing.
    await store.stix.reshare('indicator--00000000-0000-4000-8000-00000000ffff' as StixId, share(ORG_A, 'clear', ['public']));
    expect(await store.stix.count(OPERATOR)).toBe(1);
  });

  it('follows a member\'s keys as they change, request by request (the rule is kept by the keys it reads)', async () => {
    const { store } = await fresh();
    const grouped = obj({ type: 'report', name: 'group briefing on ballot phishing', sharing: share(ORG_A, 'amber', [GROUP]) });
    const stated = obj({ type: 'report', name: 'state briefing on ballot phishing', sharing: share(ORG_A, 'amber', [STATE]) });
    await put(store.stix, [grouped, stated]);
    const seen = async (keys: AudienceKey[]) => {
      // A new reader each time, as each request reads its keys anew: same organization, same first keys.
      const reader = member(ORG_B, ['community', ...keys]);
      const page = await store.stix.listCounted(reader, { text: 'ballot phishing', limit: 10 }, 1000);
      if (!page.ok) throw new Error(page.error.message);
      const listed = await store.stix.list(reader, { limit: 10 });
      if (!listed.ok) throw new Error(listed.error.message);
      const names = page.value.items.map((v) => JSON.parse(v.json) as { name: string }).map((o) => o.name).sort();
      expect(listed.value.items.map((v) => v.id).sort()).toEqual(page.value.items.map((v) => v.id).sort());
      expect(await store.stix.count(reader, { text: 'phishing', atMost: 100 })).toBe(names.length);
      expect(await store.stix.get(reader, grouped.id)).toEqual(names.includes('group briefing on ballot phishing') ? expect.anything() : null);
      return names;
    };
    expect(await seen([])).toEqual([]);
    // The organization joins the group: its next request sees the group's report.
    expect(await seen([GROUP])).toEqual(['group briefing on ballot phishing']);
    expect(await seen([GROUP, STATE])).toEqual(['group briefing on ballot phishing', 'state briefing on ballot phishing']);
    // It leaves the group: the rule kept for its earlier keys is not the one used now.
    expect(await seen([STATE])).toEqual(['state briefing on ballot phishing']);
    expect(await seen([])).toEqual([]);
    // The audience reader and the member with the same keys differ by the owner's test only.
    expect(await store.stix.count({ kind: 'audience', keys: [GROUP] })).toBe(1);
    expect(await store.stix.count(member(ORG_A, []))).toBe(2);
  });

  describe('each version is bounded by its own marking', () => {
    const X = 'user:0000000a-2222-4333-8444-555555555555' satisfies AudienceKey;
    const Y = 'user:0000000b-2222-4333-8444-555555555555' satisfies AudienceKey;
    const personX = member(ORG_B, ['public', 'community', X]);
    const personY = member(ORG_B, ['public', 'community', Y]);
    const community = member(ORG_B, ['public', 'community']);
    const stateReader = member(ORG_B, ['public', 'community', STATE]);
    const cReader = member(ORG_C as typeof ORG_A, ['public', 'community', `org:${ORG_C}` as AudienceKey]);
    const at = (day: number) => `2024-12-0${day}T00:00:00.000Z`;

    /** What `reader` gets of `id` on every path that returns versions: versions(), list of all versions, count of all versions. */
    async function seen(stix: StixStore, reader: Reader, id: StixId): Promise<(string | null)[]> {
      const versions = (await stix.versions(reader, id)).map((v) => v.modified);
      const page = await stix.list(reader, { limit: 100, versions: 'all' });
      if (!page.ok) throw new Error(page.error.message);
      const listed = page.value.items.filter((v) => v.id === id).map((v) => v.modified);
      const narrowed = await stix.list(reader, { limit: 100, versions: 'all', ids: [id] });
      if (!narrowed.ok) throw new Error(narrowed.error.message);
      expect(listed.sort(), 'list of all versions').toEqual([...versions].sort());
      expect(narrowed.value.items.map((v) => v.modified).sort(), 'list of all versions by id').toEqual([...versions].sort());
      expect(await stix.count(reader, { versions: 'all', ids: [id] }), 'count').toBe(versions.length);
      return versions;
    }

    it('keeps a RED version with the people it named after a CLEAR version goes public', async () => {
      const { store } = await fresh();
      const v1 = obj({ modified: at(1), sharing: share(ORG_A, 'red', [X]) });
      const v2 = obj({ id: v1.id, modified: at(2), sharing: share(ORG_A, 'clear', ['public']) });
      await put(store.stix, [v1]);
      await put(store.stix, [v2]);
      expect(await seen(store.stix, PUBLIC, v1.id)).toEqual([at(2)]);
      expect(await seen(store.stix, community, v1.id)).toEqual([at(2)]);
      // The public audience names nobody, so v1 reaches nobody but its owner until the owner names X again.
      expect(await seen(store.stix, personX, v1.id)).toEqual([at(2)]);
      expect(await seen(store.stix, member(ORG_A, []), v1.id)).toEqual([at(1), at(2)]);
      await store.stix.reshare(v1.id, share(ORG_A, 'clear', ['public', X, Y]));
      expect(await seen(store.stix, personX, v1.id)).toEqual([at(1), at(2)]);
      // Y was never named by the RED version: the re-share does not reach it there.
      expect(await seen(store.stix, personY, v1.id)).toEqual([at(2)]);
      expect(await seen(store.stix, PUBLIC, v1.id)).toEqual([at(2)]);
      expect((await store.stix.versions(OPERATOR, v1.id)).map((v) => v.sharing)).toEqual([share(ORG_A, 'red', [X]), share(ORG_A, 'clear', ['public', X, Y])]);
    });

    it('keeps an AMBER version from the community after a GREEN version, and AMBER+STRICT from a state after AMBER', async () => {
      const { store } = await fresh();
      const amber = obj({ modified: at(1), sharing: share(ORG_A, 'amber', [STATE]) });
      const green = obj({ id: amber.id, modified: at(2), sharing: share(ORG_A, 'green', ['community', STATE]) });
      const strict = obj({ modified: at(1), sharing: share(ORG_A, 'amber+strict', [`org:${ORG_C}`]) });
      const wider = obj({ id: strict.id, modified: at(2), sharing: share(ORG_A, 'amber', [STATE, `org:${ORG_C}`]) });
      await put(store.stix, [amber, strict]);
      await put(store.stix, [green, wider]);
      expect(await seen(store.stix, community, amber.id)).toEqual([at(2)]);
      expect(await seen(store.stix, stateReader, amber.id)).toEqual([at(1), at(2)]);
      expect(await seen(store.stix, stateReader, strict.id)).toEqual([at(2)]);
      expect(await seen(store.stix, cReader, strict.id)).toEqual([at(1), at(2)]);
      expect((await store.stix.versions(OPERATOR, strict.id)).map((v) => v.sharing.tlp)).toEqual(['amber+strict', 'amber']);
    });

    it('applies a re-share to older versions as far as their TLP allows, narrowing and widening again', async () => {
      const { store } = await fresh();
      const v1 = obj({ modified: at(1), sharing: share(ORG_A, 'red', [X, Y]) });
      const v2 = obj({ id: v1.id, modified: at(2), sharing: share(ORG_A, 'amber', [STATE]) });
      const v3 = obj({ id: v1.id, modified: at(3), sharing: share(ORG_A, 'green', ['community']) });
      await put(store.stix, [v1, v2, v3]);
      expect(await seen(store.stix, community, v1.id)).toEqual([at(3)]);
      expect(await seen(store.stix, stateReader, v1.id)).toEqual([at(3)]);
      await store.stix.reshare(v1.id, share(ORG_A, 'green', [STATE, X]));
      expect(await seen(store.stix, community, v1.id)).toEqual([]);
      expect(await seen(store.stix, stateReader, v1.id)).toEqual([at(2), at(3)]);
      expect(await seen(store.stix, personX, v1.id)).toEqual([at(1), at(3)]);
      expect(await seen(store.stix, personY, v1.id)).toEqual([]);
      await store.stix.reshare(v1.id, share(ORG_A, 'green', [X, Y]));
      expect(await seen(store.stix, stateReader, v1.id)).toEqual([]);
      expect(await seen(store.stix, personY, v1.id)).toEqual([at(1), at(3)]);
    });

    it('bounds an older version stored after a newer one by its own TLP, and a new version of a RED object by the people it names', async () => {
      const { store } = await fresh();
      const v2 = obj({ modified: at(2), sharing: share(ORG_A, 'clear', ['public', X]) });
      const v1 = obj({ id: v2.id, modified: at(1), sharing: share(ORG_A, 'red', [X]) });
      const v0 = obj({ id: v2.id, modified: '2024-11-30T00:00:00.000Z', sharing: share(ORG_A, 'amber', [STATE]) });
      await put(store.stix, [v2]);
      await put(store.stix, [v1, v0]);
      expect(await seen(store.stix, PUBLIC, v2.id)).toEqual([at(2)]);
      expect(await seen(store.stix, personX, v2.id)).toEqual([at(1), at(2)]);
      // The newest audience names no state: the AMBER version reaches nobody but its owner.
      expect(await seen(store.stix, stateReader, v2.id)).toEqual([at(2)]);
      const v3 = obj({ id: v2.id, modified: at(3), sharing: share(ORG_A, 'red', [Y]) });
      await put(store.stix, [v3]);
      expect(await seen(store.stix, personX, v2.id)).toEqual([]);
      // The CLEAR version may go to anyone the newest audience names; the RED one only to the people it named.
      expect(await seen(store.stix, personY, v2.id)).toEqual([at(2), at(3)]);
      expect(await seen(store.stix, PUBLIC, v2.id)).toEqual([]);
    });
  });

  it('repairs versions stored when every version took the newest one\'s sharing (migration 0018), and leaves right ones alone', async () => {
    const { store } = await fresh();
    const X = 'user:0000000a-2222-4333-8444-555555555555' satisfies AudienceKey;
    const marked = (tlp: keyof typeof TLP_MARKING_IDS) => ({ object_marking_refs: [TLP_MARKING_IDS[tlp]] });
    const red = obj({ modified: '2024-12-01T00:00:00.000Z', extra: marked('red'), sharing: share(ORG_A, 'red', [X]) });
    const clear = obj({ id: red.id, modified: '2024-12-02T00:00:00.000Z', extra: marked('clear'), sharing: share(ORG_A, 'clear', ['public', X]) });
    const amber = obj({ modified: '2024-12-01T00:00:00.000Z', extra: marked('amber'), sharing: share(ORG_A, 'amber', [STATE]) });
    const green = obj({ id: amber.id, modified: '2024-12-02T00:00:00.000Z', extra: marked('green'), sharing: share(ORG_A, 'green', ['community']) });
    const unmarked = obj({ modified: '2024-12-01T00:00:00.000Z', sharing: share(ORG_B, 'green', ['community']) });
    const unmarked2 = obj({ id: unmarked.id, modified: '2024-12-02T00:00:00.000Z', sharing: share(ORG_B, 'green', ['community']) });
    await put(store.stix, [red, clear, amber, green, unmarked, unmarked2]);
    const db = store.database.db;
    // What the store used to keep: every older version with the newest version's TLP and audience.
    const { rows } = await sql<{ added_us: number; id: string; audience: string }>`select added_us, id, audience from stix_version where is_latest = 0`.execute(db);
    for (const r of rows) {
      const { rows: top } = await sql<{ tlp: string; audience: string }>`select tlp, audience from stix_version where id = ${r.id} and is_latest = 1`.execute(db);
      const newest = top[0];
      if (newest === undefined) throw new Error('no latest');
      await sql`delete from stix_audience where added_us = ${r.added_us}`.execute(db);
      await sql`update stix_version set tlp = ${newest.tlp}, audience = ${newest.audience}, named_users = null where added_us = ${r.added_us}`.execute(db);
      for (const key of JSON.parse(newest.audience) as string[]) await sql`insert into stix_audience (key, added_us) values (${key}, ${r.added_us})`.execute(db);
    }
    const community = member(ORG_B, ['public', 'community']);
    const personX = member(ORG_B, ['public', 'community', X]);
    expect(await store.stix.versions(PUBLIC, red.id)).toHaveLength(2);

    await up(db);
    expect((await store.stix.versions(PUBLIC, red.id)).map((v) => v.modified)).toEqual([clear.modified]);
    // The RED version's TLP had been overwritten, so the people it named are unknown: its owner alone keeps it.
    expect((await store.stix.versions(personX, red.id)).map((v) => v.modified)).toEqual([clear.modified]);
    expect((await store.stix.versions(community, amber.id)).map((v) => v.modified)).toEqual([green.modified]);
    expect((await store.stix.versions(member(ORG_B, ['community', STATE]), amber.id)).map((v) => v.modified)).toEqual([green.modified]);
    expect((await store.stix.versions(community, unmarked.id)).map((v) => v.modified)).toEqual([unmarked.modified, unmarked2.modified]);
    expect((await store.stix.versions(OPERATOR, red.id)).map((v) => v.sharing)).toEqual([share(ORG_A, 'red', []), share(ORG_A, 'clear', ['public', X])]);
    expect((await store.stix.versions(OPERATOR, amber.id)).map((v) => v.sharing.tlp)).toEqual(['amber', 'green']);
    // Run again: nothing left to repair.
    const before = await tableRows(store.database);
    await up(db);
    expect(await tableRows(store.database)).toEqual(before);
    // The people it named are not known, so no re-share brings it back to anyone.
    await store.stix.reshare(red.id, share(ORG_A, 'clear', ['public', X]));
    expect((await store.stix.versions(personX, red.id)).map((v) => v.modified)).toEqual([clear.modified]);
  });

  it('lists the same pages by the index-driven plan as by scanning with the predicate, for every reader', async () => {
    const { store } = await fresh();
    const keys: AudienceKey[] = ['public', 'community', STATE, OTHER_STATE, GROUP, `org:${ORG_A}`, `org:${ORG_B}`];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const objects = Array.from({ length: 60 }, (_, i) => {
      const audience = keys.filter(() => rand(4) === 0);
      return obj({ modified: `2024-10-${String(1 + (i % 9)).padStart(2, '0')}T00:00:00.000Z`, sharing: share(rand(2) === 0 ? ORG_A : ORG_B, 'amber', audience) });
    });
    // Later versions of some objects, so older versions lie among the candidates.
    const later = objects.filter((_, i) => i % 4 === 0).map((o) => obj({ id: o.id, modified: '2024-12-01T00:00:00.000Z', sharing: o.sharing }));
    await put(store.stix, objects.slice(0, 30));
    await put(store.stix, later);
    await put(store.stix, objects.slice(30));
    const readers: Reader[] = [PUBLIC, member(ORG_A, []), member(ORG_B, ['community']), member(ORG_C as typeof ORG_A, [STATE, GROUP]), member(ORG_C as typeof ORG_A, ['public', OTHER_STATE, `org:${ORG_B}`])];
    const walk = async (reader: Reader, scan: boolean, versions: 'latest' | 'all', limit: number, order: 'asc' | 'desc' = 'asc', addedAfterUs?: number) => {
      const ids: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = await store.stix.list(reader, {
          limit,
          versions,
          order,
          ...(addedAfterUs === undefined ? {} : { addedAfterUs }),
          ...(scan ? { modifiedFrom: '2000-01-01T00:00:00Z' } : {}),
          ...(cursor === undefined ? {} : { cursor }),
        });
        if (!page.ok) throw new Error(page.error.message);
        ids.push(...page.value.items.map((v) => `${v.id}@${v.addedUs}`));
        if (page.value.nextCursor === null) return ids;
        cursor = page.value.nextCursor;
      }
      throw new Error('too many pages');
    };
    for (const reader of readers) {
      for (const versions of ['latest', 'all'] as const) {
        const scanned = await walk(reader, true, versions, 1000);
        expect(scanned.length).toBe(await store.stix.count(reader, { versions }));
        for (const limit of [1, 4, 1000]) expect(await walk(reader, false, versions, limit)).toEqual(scanned);
        // Newest first: the same versions in reverse, by either plan, also from a lower limit on added time.
        expect(await walk(reader, true, versions, 1000, 'desc')).toEqual([...scanned].reverse());
        for (const limit of [1, 4, 1000]) expect(await walk(reader, false, versions, limit, 'desc')).toEqual([...scanned].reverse());
        const middle = Number(scanned[Math.floor(scanned.length / 2)]?.split('@')[1] ?? 0);
        const newer = scanned.filter((id) => Number(id.split('@')[1]) > middle);
        expect(await walk(reader, false, versions, 3, 'desc', middle)).toEqual([...newer].reverse());
        expect(await walk(reader, false, versions, 3, 'asc', middle)).toEqual(newer);
      }
    }
  });

  it('continues a cursor only in the order it was given for', async () => {
    const { store } = await fresh();
    const open = () => obj({ sharing: share(ORG_A, 'clear', ['public']) });
    await put(store.stix, [open(), open(), open()]);
    const first = await store.stix.list(PUBLIC, { limit: 1, order: 'desc' });
    if (!first.ok || first.value.nextCursor === null) throw new Error('expected a next page');
    const wrong = await store.stix.list(PUBLIC, { limit: 1, cursor: first.value.nextCursor });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect([wrong.error.code, wrong.error.message]).toEqual(['invalid-cursor', 'this cursor walks newest first; ask for the next page in the same order as the first']);
  });
});
