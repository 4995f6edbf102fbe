import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import type { Principal } from '../src/domain/principal.ts';
import { ok } from '../src/domain/result.ts';
import type { Tlp } from '../src/domain/tlp.ts';
import { exportBundle } from '../src/ingest/export.ts';
import type { SharingService } from '../src/sharing/service.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { taxiiStore } from '../src/store/taxii.ts';
import type { IncomingObject } from '../src/store/types.ts';
import { collectionIdOf } from '../src/taxii/collections.ts';
import { TAXII_CONTENT_TYPE } from '../src/taxii/media.ts';
import { taxiiPlugin } from '../src/taxii/plugin.ts';
import { harness, principalKeyAuth, type Harness } from './helpers/http.ts';
import { testDatabase, testDialects } from './helpers/store.ts';
import { audienceFor, kindOf, MAY_NAME, names, olderAudience, reaches, readersOf, TLPS, type ModelPeople, type ModelReader } from './helpers/visibility-oracle.ts';
import { buildPeople, describeReader, keyChoice, orgIdOf, peopleArbs, readerFor, sharingFor, uuid } from './helpers/visibility-world.ts';

/*
 * Proof of "each version is bounded by its own marking" (issue 15 items 1 and 3): random histories of
 * versions whose TLP and audience change, out-of-order versions, versions given no audience, and
 * re-shares that widen and narrow, built in a real store through the store and the sharing service;
 * then every path that returns older versions (store versions/get/list of all versions with paging,
 * export of all versions as `GET /api/v1/export?versions=all` and `rampart export --all-versions`
 * serve it, TAXII match[version]=all|first|<time> on objects and one object, the TAXII manifest, and TAXII versions/) is
 * compared, for every reader, with the oracle of test/helpers/visibility-oracle.ts, which restates the
 * rule from DESIGN.md and shares no code with the store.
 */

// ---- The model: what happened to each object, as the rule sees it -------------------------------

interface ModelVersion {
  readonly modified: string;
  readonly tlp: Tlp;
  /** For RED: the people it named when published, as re-shared while it was the newest version. */
  named: readonly AudienceKey[];
}
interface ModelObject {
  readonly id: StixId;
  readonly owner: number;
  /** Oldest first by modified. */
  readonly versions: ModelVersion[];
  /** The audience of the newest version: the object's. */
  audience: readonly AudienceKey[];
  /** Minutes for the next newer and the next older version. */
  next: number;
  prior: number;
}
interface ModelWorld extends ModelPeople {
  readonly objects: ModelObject[];
}

const newest = (o: ModelObject) => o.versions[o.versions.length - 1];

/** Who one version of `o` is shared with: the object's audience on the newest, what its own TLP lets through on the others. */
function audienceOf(o: ModelObject, v: ModelVersion): readonly AudienceKey[] {
  return v === newest(o) ? o.audience : olderAudience(v.tlp, v.named, o.audience);
}

/** The versions (modified) of `o` that `reader` may see, oldest first. */
function seenBy(world: ModelWorld, reader: ModelReader, o: ModelObject): string[] {
  return o.versions.filter((v) => reaches(world, reader, o.owner, v.tlp, audienceOf(o, v))).map((v) => v.modified);
}

/** The versions of `o` in the TAXII collection of `key` for an organization: what is shared with the key (its own collection also holds what it owns). */
function inCollection(o: ModelObject, key: AudienceKey, org: number): string[] {
  return o.versions.filter((v) => audienceOf(o, v).includes(key) || (key === `org:${orgIdOf(org)}` && o.owner === org)).map((v) => v.modified);
}

// ---- Generated histories ---------------------------------------------------------------------

const audienceArb = fc.array(keyChoice, { minLength: 1, maxLength: 3 });
const stepArb = fc.oneof(
  fc.record({ op: fc.constant('version' as const), tlp: fc.constantFrom(...TLPS), audience: audienceArb, keep: fc.boolean(), older: fc.boolean() }),
  fc.record({ op: fc.constant('reshare' as const), audience: audienceArb }),
);
const worldArb = fc.record({
  ...peopleArbs({ orgs: 5, groups: 2, answers: ['none', 'invited', 'accepted'] }),
  objects: fc.array(fc.record({ owner: fc.nat(20), tlp: fc.constantFrom(...TLPS), audience: audienceArb, steps: fc.array(stepArb, { minLength: 1, maxLength: 5 }) }), { minLength: 4, maxLength: 9 }),
});
type WorldSpec = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

const minute = (n: number) => new Date(Date.UTC(2024, 10, 1, 0, n)).toISOString();

function incoming(world: ModelWorld, o: ModelObject, modified: string, tlp: Tlp, audience: readonly AudienceKey[], keep: boolean): IncomingObject {
  const owner = world.orgs[o.owner]?.id ?? ('' as OrgId);
  // Every version names the same domain, for the value search of every version (stix_value rows carry each version's own sharing).
  const json = JSON.stringify({ type: 'indicator', spec_version: '2.1', id: o.id, created: minute(0), modified, name: `${o.id} at ${modified}`, description: 'seen at www.versions.example', created_by_ref: owner });
  return { id: o.id, type: 'indicator', created: minute(0), modified, revoked: false, name: null, description: null, json, sharing: { owner, tlp, audience }, ...(keep ? { audienceDefault: true } : {}) };
}

// ---- Building the history in a real store -----------------------------------------------------

async function build(store: RampartStore, spec: WorldSpec): Promise<{ world: ModelWorld; service: SharingService }> {
  const world: ModelWorld = { ...buildPeople(spec), objects: [] };
  const { service, actor } = await sharingFor(store, world);

  // The first version of every object, in one write.
  const firsts: IncomingObject[] = [];
  spec.objects.forEach((s, i) => {
    const o: ModelObject = { id: `indicator--${uuid('0000000d', i + 1)}` as StixId, owner: s.owner % world.orgs.length, versions: [], audience: [], next: 100, prior: 99 };
    const audience = audienceFor(world, s.tlp, s.audience);
    o.versions.push({ modified: minute(o.next++), tlp: s.tlp, named: audience });
    o.audience = audience;
    world.objects.push(o);
    firsts.push(incoming(world, o, minute(100), s.tlp, audience, false));
  });
  await store.stix.write(async (w) => ok(await w.putBatch(firsts, 'reject')));

  // Then round by round: every object's next version step in one write (several objects per batch), then the re-shares.
  const rounds = Math.max(...spec.objects.map((s) => s.steps.length));
  for (let round = 0; round < rounds; round++) {
    const batch: IncomingObject[] = [];
    const expected: string[] = [];
    const apply: (() => void)[] = [];
    for (const [i, s] of spec.objects.entries()) {
      const step = s.steps[round];
      const o = world.objects[i];
      if (step?.op !== 'version' || o === undefined) continue;
      const older = step.older;
      const modified = minute(older ? o.prior : o.next);
      const given = audienceFor(world, step.tlp, step.audience);
      // Given no audience, a version keeps the object's (the newest version's) where its TLP allows every key of it; otherwise it is refused.
      const kept = step.keep ? o.audience : given;
      const refused = step.keep && !o.audience.every((k) => MAY_NAME[step.tlp].includes(kindOf(k)));
      batch.push(incoming(world, o, modified, step.tlp, step.keep ? audienceFor(world, step.tlp, [{ kind: 0, n: 0 }]) : given, step.keep));
      expected.push(refused ? 'rejected' : 'new-version');
      if (refused) continue;
      apply.push(() => {
        if (older) {
          o.prior--;
          o.versions.unshift({ modified, tlp: step.tlp, named: kept });
        } else {
          o.next++;
          o.versions.push({ modified, tlp: step.tlp, named: kept });
          o.audience = kept;
        }
      });
    }
    if (batch.length > 0) {
      const written = await store.stix.write(async (w) => ok(await w.putBatch(batch, 'reject')));
      expect(written.ok ? written.value.map((x) => (x.kind === 'rejected' ? `rejected` : x.kind)) : written).toEqual(expected);
      for (const f of apply) f();
    }
    for (const [i, s] of spec.objects.entries()) {
      const step = s.steps[round];
      const o = world.objects[i];
      const top = o === undefined ? undefined : newest(o);
      if (step?.op !== 'reshare' || o === undefined || top === undefined) continue;
      const audience = audienceFor(world, top.tlp, step.audience);
      const owner = world.orgs[o.owner]?.id ?? ('' as OrgId);
      const result = await service.reshare(actor(o.owner), { kind: 'member', orgId: owner, userId: null, keys: await service.keysOf(owner, null) }, o.id, { audience });
      const foreignGroup = audience.some((k) => k.startsWith('group:') && world.groups.find((g) => `group:${g.id}` === k)?.members[o.owner] !== 'accepted');
      expect(result.ok ? 'ok' : result.error.code).toBe(foreignGroup ? 'not-group-member' : 'ok');
      if (!result.ok) continue;
      o.audience = audience;
      if (top.tlp === 'red') top.named = audience;
    }
  }
  return { world, service };
}

const pairs = (items: readonly { id: string; modified: string | null }[]) => items.map((v) => `${v.id}@${v.modified ?? ''}`).sort();
const expectedPairs = (world: ModelWorld, seen: (o: ModelObject) => readonly string[]) => world.objects.flatMap((o) => seen(o).map((m) => `${o.id}@${m}`)).sort();

// ---- The properties ---------------------------------------------------------------------------

let cases = 0;

async function checkStore(store: RampartStore, service: SharingService, world: ModelWorld): Promise<void> {
  // Every audience row carries its version's latest flag, type and reference flag (migrations 0040, 0050), after new versions and re-shares.
  const { rows: astray } = await sql<{ n: number | string }>`select count(*) as n from stix_audience a join stix_version v on v.added_us = a.added_us
    where a.is_latest <> v.is_latest or a.type <> v.type or a.reference <> v.reference`.execute(store.database.db);
  expect(Number(astray[0]?.n), 'audience rows that disagree with their version').toBe(0);
  for (const r of readersOf(world)) {
    const reader = await readerFor(service, world, r);
    const who = describeReader(world, r);
    for (const o of world.objects) {
      const seen = seenBy(world, r, o);
      expect((await store.stix.versions(reader, o.id)).map((v) => v.modified), `versions of ${o.id} by ${who}`).toEqual(seen);
      const top = newest(o);
      const latest = top !== undefined && seen.includes(top.modified);
      expect((await store.stix.get(reader, o.id))?.modified ?? null, `latest of ${o.id} by ${who}`).toBe(latest ? (top?.modified ?? null) : null);
      cases += o.versions.length;
    }
    // Every version the reader may see, in pages of 5, and once as the export of every version (what REST and the CLI stream).
    const listed: { id: string; modified: string | null }[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.stix.list(reader, { limit: 5, versions: 'all', ...(cursor === undefined ? {} : { cursor }) });
      if (!page.ok) throw new Error(page.error.message);
      listed.push(...page.value.items);
      cursor = page.value.nextCursor ?? undefined;
    } while (cursor !== undefined);
    const all = expectedPairs(world, (o) => seenBy(world, r, o));
    expect(pairs(listed), `list of all versions by ${who}`).toEqual(all);
    const byValue = await store.stix.list(reader, { limit: 1000, versions: 'all', text: 'versions.example' });
    expect(byValue.ok ? pairs(byValue.value.items) : byValue, `value search of all versions by ${who}`).toEqual(all);
    expect(await store.stix.count(reader, { versions: 'all', text: 'versions.example' }), `value count of all versions by ${who}`).toBe(all.length);
    expect(await store.stix.count(reader, { versions: 'all', text: 'versions.example', atMost: 2 }), `capped value count of all versions by ${who}`).toBe(Math.min(all.length, 3));
    // The working list's total counts the newest version of each record the reader may see, through its sources'
    // audience rows, which carry their version's latest flag (migration 0050): demoted by every new version.
    const newestSeen = world.objects.filter((o) => seenBy(world, r, o).includes(newest(o)?.modified ?? '')).length;
    for (const atMost of [1, 1000]) {
      const counted = await store.stix.count(reader, { atMost, reference: 'exclude', excludeTypes: ['relationship'] });
      expect(counted, `working-list count up to ${atMost + 1} by ${who}`).toBe(Math.min(newestSeen, atMost + 1));
    }
    // The same versions found by the value they all name, in pages of 5 newest first.
    const found: { id: string; modified: string | null }[] = [];
    let after: string | undefined;
    do {
      const page = await store.stix.list(reader, { limit: 5, versions: 'all', order: 'desc', text: 'versions.example', ...(after === undefined ? {} : { cursor: after }) });
      if (!page.ok) throw new Error(page.error.message);
      found.push(...page.value.items);
      after = page.value.nextCursor ?? undefined;
    } while (after !== undefined);
    expect(pairs(found), `value search of all versions, newest first in pages of 5, by ${who}`).toEqual(all);
    const bundle = await exportBundle(store.stix, reader, { versions: 'all', pageSize: 4 });
    if (!bundle.ok) throw new Error(bundle.error.message);
    let text = '';
    for await (const chunk of bundle.value) text += chunk;
    expect(pairs((JSON.parse(text) as { objects?: { id: string; modified: string }[] }).objects ?? []), `export of all versions by ${who}`).toEqual(all);
  }
}

interface TaxiiEnvelope {
  /** Objects, or manifest records (which carry `version` instead of `modified`). */
  readonly objects?: readonly { id: string; modified: string; version?: string }[];
  readonly versions?: readonly string[];
  readonly more?: boolean;
}

async function checkHttp(h: Harness, world: ModelWorld, members: readonly { r: Extract<ModelReader, { kind: 'member' }>; key: string; principal: Principal }[], exact: string): Promise<void> {
  const get = async (key: string, url: string, taxii = false): Promise<{ status: number; body: TaxiiEnvelope & { objects?: readonly { id: string; modified: string }[] } }> => {
    const res = await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}`, ...(taxii ? { accept: TAXII_CONTENT_TYPE } : {}) } });
    return { status: res.statusCode, body: res.statusCode === 200 ? res.json<TaxiiEnvelope>() : {} };
  };
  for (const { r, key, principal } of members) {
    const who = describeReader(world, r);
    const rest = await get(key, '/api/v1/export?versions=all');
    expect(rest.status).toBe(200);
    expect(pairs(rest.body.objects ?? []), `REST export of all versions by ${who}`).toEqual(expectedPairs(world, (o) => seenBy(world, r, o)));

    for (const k of principal.keys) {
      // keysOf agrees with the oracle's reading of who a key names.
      expect(names(world, r, k), `${who} reads with ${k}`).toBe(true);
      if (k.startsWith('org:') && k !== `org:${principal.orgId}`) continue;
      const base = `/taxii2/rampart/collections/${collectionIdOf(k)}/objects/`;
      const held = (o: ModelObject) => inCollection(o, k, r.org);
      const all = await get(key, `${base}?match[version]=all`, true);
      expect(all.status, `TAXII ${k} all by ${who}`).toBe(200);
      expect(all.body.more ?? false).toBe(false);
      expect(pairs(all.body.objects ?? []), `TAXII ${k} match[version]=all by ${who}`).toEqual(expectedPairs(world, held));
      const manifest = await get(key, `/taxii2/rampart/collections/${collectionIdOf(k)}/manifest/?match[version]=all`, true);
      expect(manifest.status, `TAXII ${k} manifest by ${who}`).toBe(200);
      expect((manifest.body.objects ?? []).map((m) => `${m.id}@${m.version ?? ''}`).sort(), `TAXII ${k} manifest match[version]=all by ${who}`).toEqual(expectedPairs(world, held));
      const first = await get(key, `${base}?match[version]=first`, true);
      expect(pairs(first.body.objects ?? []), `TAXII ${k} match[version]=first by ${who}`).toEqual(expectedPairs(world, (o) => held(o).slice(0, 1)));
      const one = await get(key, `${base}?match[version]=${exact}`, true);
      expect(pairs(one.body.objects ?? []), `TAXII ${k} match[version]=${exact} by ${who}`).toEqual(expectedPairs(world, (o) => held(o).filter((m) => m === exact)));
      for (const o of world.objects) {
        const expected = held(o);
        const byId = await get(key, `${base}${o.id}/?match[version]=all`, true);
        expect(byId.status, `TAXII ${k} ${o.id} by ${who}`).toBe(expected.length === 0 ? 404 : 200);
        expect(pairs(byId.body.objects ?? []), `TAXII ${k} ${o.id} match[version]=all by ${who}`).toEqual(expected.map((m) => `${o.id}@${m}`));
        if (expected.length === 0) continue;
        const firstById = await get(key, `${base}${o.id}/?match[version]=first`, true);
        expect(pairs(firstById.body.objects ?? []), `TAXII ${k} ${o.id} match[version]=first by ${who}`).toEqual(expected.slice(0, 1).map((m) => `${o.id}@${m}`));
        const versions = await get(key, `${base}${o.id}/versions/`, true);
        expect([...(versions.body.versions ?? [])].sort(), `TAXII ${k} ${o.id} versions by ${who}`).toEqual([...expected].sort());
      }
    }
  }
}

describe.each(testDialects())('versions on %s: every path that returns older versions agrees with the oracle', (dialect) => {
  afterAll(() => {
    // At least a few thousand generated (reader, version) decisions on SQLite.
    if (dialect === 'sqlite') expect(cases).toBeGreaterThanOrEqual(3000);
  });

  it('store versions, get, list of all versions, export of all versions', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (spec) => {
        const db = dialect === 'sqlite' ? null : testDatabase(dialect);
        const store = await openStore({ url: db?.url ?? ':memory:' });
        try {
          const { world, service } = await build(store, spec);
          await checkStore(store, service, world);
        } finally {
          await store.close();
          await db?.drop();
        }
      }),
      { numRuns: dialect === 'sqlite' ? 40 : 10, endOnFailure: true },
    );
  }, 300_000);

  it('REST export of all versions, TAXII match[version] on objects and on one object, the TAXII manifest, TAXII versions', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, fc.nat(), async (spec, pick) => {
        const db = testDatabase(dialect);
        const store = await openStore({ url: db.url });
        let h: Harness | null = null;
        try {
          const { world, service } = await build(store, spec);
          const members: { r: Extract<ModelReader, { kind: 'member' }>; key: string; principal: Principal }[] = [];
          for (const [i, r] of readersOf(world).entries()) {
            if (r.kind !== 'member') continue;
            const reader = await readerFor(service, world, r);
            if (reader.kind !== 'member') continue;
            members.push({ r, key: `key-${i}`, principal: { orgId: reader.orgId, userId: reader.userId, keys: reader.keys, scope: 'read' } });
          }
          const principals = new Map(members.map((m) => [m.key, m.principal]));
          const taxii = taxiiPlugin({ stix: store.stix, taxii: taxiiStore(store.database.db), sharing: service, hubOwner: orgIdOf(0), secret: 'test-secret' });
          h = await harness({ stix: store.stix, sharing: service, auth: () => principalKeyAuth(principals), plugins: [taxii] });
          const times = world.objects.flatMap((o) => o.versions.map((v) => v.modified));
          await checkHttp(h, world, members, times[pick % times.length] ?? minute(100));
        } finally {
          await h?.close();
          await store.close();
          await db.drop();
        }
      }),
      { numRuns: dialect === 'sqlite' ? 4 : 3, endOnFailure: true },
    );
  }, 300_000);
});
