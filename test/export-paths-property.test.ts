import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import { LISTED_ELSEWHERE } from '../src/domain/listed-elsewhere.ts';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import type { Principal } from '../src/domain/principal.ts';
import { ok } from '../src/domain/result.ts';
import { TLP_MARKING_IDS, type Tlp } from '../src/domain/tlp.ts';
import { mispPlugin } from '../src/misp/routes.ts';
import { sharingRoutes } from '../src/sharing/routes.ts';
import type { SharingService } from '../src/sharing/service.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import type { IncomingObject } from '../src/store/types.ts';
import { harness, principalKeyAuth, type Harness } from './helpers/http.ts';
import { testDatabase, testDialects } from './helpers/store.ts';
import { audienceFor, olderAudience, reaches, readersOf, TLPS, type ModelPeople, type ModelReader } from './helpers/visibility-oracle.ts';
import { buildPeople, describeReader, keyChoice, peopleArbs, readerFor, sharingFor } from './helpers/visibility-world.ts';

/*
 * "Nobody sees what was not shared with them", on the paths the other visibility properties leave out: the MISP
 * export and feed (manifest.json, hashes.csv, <uuid>.json), the neighbourhood graph two hops out, an object's
 * connections, an object's page (its versions) and its relationships, the selection export (STIX bundle, CSV) and
 * titles, the list's totals, the dashboard's counts, anonymous sighting counts, the indicators log matching reads,
 * and the wording of every refusal of an id the reader may not see. Random worlds of
 * indicators, reports, incidents, notes, sightings and relationships pointing at each other, each in one or two
 * versions of their own TLP, re-shared by their owners after a first read (so caches built before are tested too),
 * compared with the oracle of test/helpers/visibility-oracle.ts, which restates the rule from DESIGN.md and shares no
 * code with the store. Every version carries a word of its own: a reader's answer may hold only the words of
 * versions it may see.
 */

const TYPES = ['indicator', 'indicator', 'report', 'incident', 'note', 'sighting', 'relationship'] as const;
type Kind = (typeof TYPES)[number];
const DAY = '2026-11-03';

interface ModelVersion {
  readonly modified: string;
  readonly tlp: Tlp;
  /** The audience it was published with (for RED: the people it names once it is an older version). */
  readonly named: readonly AudienceKey[];
  readonly word: string;
  readonly revoked: boolean;
  readonly json: string;
}
interface ModelObject {
  readonly id: StixId;
  readonly type: Kind;
  readonly owner: number;
  /** Oldest first. */
  readonly versions: ModelVersion[];
  audience: readonly AudienceKey[];
  /** The ids it points at (object_refs, sighting_of_ref, source_ref and target_ref), the same in every version. */
  readonly refs: readonly StixId[];
  /** A relationship's ends. */
  readonly ends: readonly [StixId, StixId] | null;
  readonly count: number;
  objectCounting: boolean | null;
}
interface ModelWorld extends ModelPeople {
  readonly objects: ModelObject[];
  readonly orgCounting: Map<number, boolean | null>;
}

/** A version as the hub serves it: the model's text carries no TLP marking, so it gets its TLP's (TLP:CLEAR ones are served as stored, docs/taxii.md). */
const asServed = (v: ModelVersion): string => (v.tlp === 'clear' ? v.json : JSON.stringify({ ...(JSON.parse(v.json) as Record<string, unknown>), object_marking_refs: [TLP_MARKING_IDS[v.tlp]] }));

const newest = (o: ModelObject): ModelVersion => {
  const v = o.versions[o.versions.length - 1];
  if (v === undefined) throw new Error('an object has a version');
  return v;
};

/** Whether `reader` may see version `v` of `o`: the newest by the object's audience, an older one as far as its own TLP lets that audience through. */
function seesVersion(world: ModelWorld, reader: ModelReader, o: ModelObject, v: ModelVersion): boolean {
  const audience = v === newest(o) ? o.audience : olderAudience(v.tlp, v.named, o.audience);
  return reaches(world, reader, o.owner, v.tlp, audience);
}
const sees = (world: ModelWorld, reader: ModelReader, o: ModelObject) => seesVersion(world, reader, o, newest(o));

// ---- Generated worlds --------------------------------------------------------------------------

const markingArb = fc.record({ tlp: fc.constantFrom(...TLPS), audience: fc.array(keyChoice, { minLength: 1, maxLength: 3 }) });
const worldArb = fc.record({
  ...peopleArbs({ orgs: 5, groups: 2, answers: ['none', 'invited', 'accepted'] }),
  objects: fc.array(
    fc.record({
      type: fc.constantFrom(...TYPES),
      owner: fc.nat(20),
      first: markingArb,
      second: fc.option(markingArb, { nil: null }),
      revoked: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
      picks: fc.array(fc.nat(40), { minLength: 1, maxLength: 3 }),
      count: fc.integer({ min: 1, max: 9 }),
    }),
    { minLength: 6, maxLength: 14 },
  ),
  reshares: fc.array(fc.record({ object: fc.nat(40), audience: fc.array(keyChoice, { minLength: 1, maxLength: 3 }), counting: fc.constantFrom<boolean | null | undefined>(undefined, undefined, true, false, null) }), { maxLength: 8 }),
  orgCounting: fc.array(fc.record({ org: fc.nat(20), allow: fc.constantFrom<boolean | null>(true, false, null) }), { maxLength: 2 }),
});
type WorldSpec = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

let run = 0;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** A word no other version holds, of fixed width so that none is part of another. */
const wordOf = (i: number, k: number) => `wq${hex(run, 5)}o${hex(i, 2)}v${k}`;
const idOf = (type: string, i: number) => `${type}--5e${hex(run, 6)}-0000-4000-8000-${hex(i, 12)}` as StixId;
/** An id of each type that no world holds, to compare refusals with. */
const absentId = (type: string) => `${type}--5effffff-ffff-4fff-8fff-ffffffffffff` as StixId;
const uuidOf = (id: string) => id.slice(id.indexOf('--') + 2);

function jsonOf(owner: OrgId, i: number, type: Kind, refs: readonly StixId[], ends: readonly [StixId, StixId] | null, count: number, k: number, revoked: boolean): string {
  const id = idOf(type, i);
  const word = wordOf(i, k);
  const modified = `${DAY}T12:0${k}:00.000Z`;
  const base = { type, spec_version: '2.1', id, created: `${DAY}T12:00:00.000Z`, modified, created_by_ref: owner, ...(revoked ? { revoked: true } : {}) };
  const object: Record<string, unknown> = { ...base };
  switch (type) {
    case 'indicator':
      Object.assign(object, { name: `indicator ${word}`, description: `about ${word}`, pattern: `[domain-name:value = '${word}.example']`, pattern_type: 'stix', valid_from: `${DAY}T12:00:00Z` });
      break;
    case 'report':
      Object.assign(object, { name: `report ${word}`, description: `about ${word}`, published: `${DAY}T12:00:00Z`, report_types: ['threat-report'], object_refs: refs });
      break;
    case 'incident':
      Object.assign(object, { name: `incident ${word}`, description: `about ${word}` });
      break;
    case 'note':
      Object.assign(object, { content: `note ${word}`, object_refs: refs });
      break;
    case 'sighting':
      Object.assign(object, { description: `sighting ${word}`, sighting_of_ref: refs[0], count, last_seen: `${DAY}T12:30:00Z` });
      break;
    case 'relationship':
      Object.assign(object, { relationship_type: 'related-to', description: `related ${word}`, source_ref: ends?.[0], target_ref: ends?.[1] });
      break;
  }
  return JSON.stringify(object);
}

/** The world's objects, each pointing only at objects of the world that its type may point at; the first is always an indicator. */
function buildModel(spec: WorldSpec): ModelWorld {
  run += 1;
  const world: ModelWorld = { ...buildPeople(spec), objects: [], orgCounting: new Map() };
  const types = spec.objects.map((o, i) => (i === 0 ? 'indicator' : o.type));
  const of = (pred: (t: Kind) => boolean, self: number) => types.flatMap((t, j) => (j !== self && pred(t) ? [idOf(t, j)] : []));
  spec.objects.forEach((s, i) => {
    const type = types[i] ?? 'indicator';
    const owner = s.owner % world.orgs.length;
    const pickFrom = (options: readonly StixId[]) => [...new Set(s.picks.map((p) => options[p % Math.max(1, options.length)]).filter((x): x is StixId => x !== undefined))];
    let refs: StixId[] = [];
    let ends: [StixId, StixId] | null = null;
    if (type === 'report') refs = pickFrom(of((t) => t !== 'report' && t !== 'incident', i));
    if (type === 'note') refs = pickFrom(of(() => true, i));
    if (type === 'sighting') refs = pickFrom(of((t) => t === 'indicator', i)).slice(0, 1);
    if (type === 'relationship') {
      const picked = pickFrom(of((t) => t === 'indicator' || t === 'report' || t === 'incident', i));
      const [a, b] = picked;
      if (a !== undefined) ends = [a, b ?? a];
      refs = ends === null ? [] : [...new Set(ends)];
    }
    const object: ModelObject = { id: idOf(type, i), type, owner, versions: [], audience: [], refs, ends, count: s.count, objectCounting: null };
    const markings = s.second === null ? [s.first] : [s.first, s.second];
    markings.forEach((m, k) => {
      const audience = audienceFor(world, m.tlp, m.audience);
      const revoked = k === markings.length - 1 && s.revoked;
      const json = jsonOf(world.orgs[owner]?.id ?? ('' as OrgId), i, type, refs, ends, s.count, k, revoked);
      object.versions.push({ modified: `${DAY}T12:0${k}:00.000Z`, tlp: m.tlp, named: audience, word: wordOf(i, k), revoked, json });
      object.audience = audience;
    });
    world.objects.push(object);
  });
  return world;
}

function incoming(world: ModelWorld, o: ModelObject, v: ModelVersion): IncomingObject {
  const json = JSON.parse(v.json) as Record<string, unknown>;
  const text = (key: string) => (typeof json[key] === 'string' ? json[key] : null);
  return { id: o.id, type: o.type, created: `${DAY}T12:00:00.000Z`, modified: v.modified, revoked: v.revoked, name: text('name'), description: text('description'), json: v.json, sharing: { owner: world.orgs[o.owner]?.id ?? ('' as OrgId), tlp: v.tlp, audience: v.named } };
}

async function populate(store: RampartStore, world: ModelWorld): Promise<{ service: SharingService; actor: (org: number) => { orgId: OrgId; userId: null } }> {
  const made = await sharingFor(store, world);
  // Every first version in one write, then every second one: an older version then has the marking it was written with.
  for (const k of [0, 1]) {
    const items = world.objects.flatMap((o) => (o.versions[k] === undefined ? [] : [incoming(world, o, o.versions[k])]));
    if (items.length === 0) continue;
    const written = await store.stix.write(async (w) => ok(await w.putBatch(items, 'reject')));
    expect(written.ok && written.value.every((x) => x.kind === 'added' || x.kind === 'new-version'), JSON.stringify(written)).toBe(true);
  }
  return made;
}

/** The owners' re-shares (and counting choices), as the model applies them: a group the owner has not joined is refused. */
async function reshareAll(world: ModelWorld, spec: WorldSpec, service: SharingService, actor: (org: number) => { orgId: OrgId; userId: null }, after: () => Promise<void>): Promise<void> {
  for (const r of spec.reshares) {
    const o = world.objects[r.object % world.objects.length];
    if (o === undefined) continue;
    const audience = audienceFor(world, newest(o).tlp, r.audience);
    const owner = world.orgs[o.owner]?.id ?? ('' as OrgId);
    const result = await service.reshare(actor(o.owner), { kind: 'member', orgId: owner, userId: null, keys: await service.keysOf(owner, null) }, o.id, { audience, ...(r.counting === undefined ? {} : { allowCounting: r.counting }) });
    const foreignGroup = audience.some((k) => k.startsWith('group:') && world.groups.find((g) => `group:${g.id}` === k)?.members[o.owner] !== 'accepted');
    expect(result.ok ? 'ok' : result.error.code).toBe(foreignGroup ? 'not-group-member' : 'ok');
    if (!result.ok) continue;
    o.audience = audience;
    if (r.counting !== undefined) o.objectCounting = r.counting;
    await after();
  }
  for (const c of spec.orgCounting) {
    const org = c.org % world.orgs.length;
    await service.setOrgCounting(world.orgs[org]?.id ?? ('' as OrgId), c.allow);
    world.orgCounting.set(org, c.allow);
  }
}

// ---- The oracle's answers ------------------------------------------------------------------------

/** Words of versions `reader` may not see: none may appear in anything it is answered. */
const forbiddenWords = (world: ModelWorld, r: ModelReader) => world.objects.flatMap((o) => o.versions.filter((v) => !seesVersion(world, r, o, v)).map((v) => v.word));

function leaks(world: ModelWorld, r: ModelReader, body: string, also: readonly string[] = []): string[] {
  return [...forbiddenWords(world, r), ...also].filter((w) => body.includes(w));
}

/** The neighbourhood graph, from the model: the objects `hops` steps out both ways the reader may see (id to hop), and the hops of those it may not. */
function graphOracle(world: ModelWorld, r: ModelReader, root: ModelObject, hops: number): { shown: Map<string, number>; hidden: number[] } {
  const byId = new Map(world.objects.map((o) => [o.id as string, o]));
  const shown = new Map<string, number>([[root.id, 0]]);
  const hidden = new Map<string, number>();
  let frontier = [root];
  for (let hop = 1; hop <= hops && frontier.length > 0; hop++) {
    const candidates = new Set<string>();
    const found: ModelObject[] = [];
    for (const node of frontier) {
      for (const ref of node.refs) candidates.add(ref);
      if (node.type === 'relationship') continue;
      for (const o of world.objects) {
        if (o.id === node.id || !o.refs.includes(node.id) || !sees(world, r, o)) continue;
        if (o.type === 'relationship' && o.ends !== null) candidates.add(o.ends[0] === node.id ? o.ends[1] : o.ends[0]);
        else if (o.type !== 'relationship') found.push(o);
      }
    }
    const next: ModelObject[] = [];
    const add = (o: ModelObject) => {
      if (shown.has(o.id)) return;
      shown.set(o.id, hop);
      next.push(o);
    };
    const fresh = [...candidates].filter((c) => !shown.has(c) && !hidden.has(c));
    for (const o of found) add(o);
    for (const c of fresh) {
      const o = byId.get(c);
      if (o !== undefined && sees(world, r, o)) add(o);
    }
    for (const c of fresh) if (!shown.has(c) && !hidden.has(c)) hidden.set(c, hop);
    frontier = next;
  }
  return { shown, hidden: [...hidden.values()].sort() };
}

/** Anonymous sighting counts of `indicator` for `reader`, from DESIGN.md: counted where the owner allowed it (default: shared with the community or public) or the reader may see the sighting. */
function aggregateOracle(world: ModelWorld, r: ModelReader, indicator: ModelObject) {
  const counted = world.objects.filter((s) => {
    if (s.type !== 'sighting' || s.refs[0] !== indicator.id || newest(s).revoked) return false;
    const allowed = s.objectCounting ?? world.orgCounting.get(s.owner) ?? s.audience.some((k) => k === 'community' || k === 'public');
    return allowed || sees(world, r, s);
  });
  const owners = [...new Set(counted.map((s) => s.owner))];
  const offices = owners.filter((o) => ['state', 'territory', 'local'].includes(world.orgs[o]?.kind ?? ''));
  return {
    sightings: counted.reduce((n, s) => n + s.count, 0),
    organizations: owners.length,
    jurisdictions: offices.length,
    other_organizations: owners.length - offices.length,
    states: new Set(offices.map((o) => world.orgs[o]?.fips)).size,
  };
}

// ---- The checks --------------------------------------------------------------------------------

interface Served {
  readonly status: number;
  readonly body: string;
}
type Call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => Promise<Served>;

interface MispEvent {
  uuid: string;
  Attribute: { uuid: string; type: string; value: string; Sighting?: { uuid: string }[] }[];
}

/** The MISP export for one reader holds nothing of what it may not see. */
async function checkMispExport(world: ModelWorld, r: ModelReader, call: Call): Promise<void> {
  const hiddenUuids = world.objects.filter((o) => !sees(world, r, o)).map((o) => uuidOf(o.id));
  const exported = await call('GET', '/api/v1/export/misp');
  expect(leaks(world, r, exported.body, hiddenUuids), `MISP export by ${describeReader(world, r)}`).toEqual([]);
}

/** The MISP export and feed for one reader: events of exactly the reports and incidents it may see, the rest of its indicators loose, nothing else. */
async function checkMisp(world: ModelWorld, r: ModelReader, call: Call): Promise<void> {
  const who = describeReader(world, r);
  const visible = world.objects.filter((o) => sees(world, r, o));
  const hiddenUuids = world.objects.filter((o) => !sees(world, r, o)).map((o) => uuidOf(o.id));
  const exported = await call('GET', '/api/v1/export/misp');
  expect(exported.status, `MISP export by ${who}`).toBe(200);
  expect(leaks(world, r, exported.body, hiddenUuids), `MISP export by ${who}`).toEqual([]);
  const events = (JSON.parse(exported.body) as { response: { Event: MispEvent }[] }).response.map((e) => e.Event);
  const heads = visible.filter((o) => o.type === 'report' || o.type === 'incident').map((o) => uuidOf(o.id));
  const uuids = events.map((e) => e.uuid);
  expect(uuids.filter((u) => heads.includes(u)).sort(), `MISP events of reports and incidents for ${who}`).toEqual([...heads].sort());
  // Loose indicators: those no report or incident it sees holds (a report's object_refs, an incident's visible relationships), one event per owner and sharing.
  const held = new Set<string>(visible.flatMap((o) => (o.type === 'report' ? o.refs : [])));
  for (const rel of visible) {
    if (rel.type !== 'relationship' || rel.ends === null) continue;
    const incident = rel.ends.find((e) => e.startsWith('incident--') && visible.some((o) => o.id === e));
    if (incident !== undefined) for (const e of rel.ends) held.add(e);
  }
  const loose = visible.filter((o) => o.type === 'indicator' && !held.has(o.id));
  const groups = new Set(loose.map((o) => `${o.owner}|${newest(o).tlp}|${[...o.audience].sort().join(',')}`));
  expect(uuids.length, `MISP events for ${who}: ${heads.length} heads and ${groups.size} loose groups`).toBe(heads.length + groups.size);
  // Every indicator it may see is there by its newest value, every sighting shown is one it may see.
  const values = new Set(events.flatMap((e) => e.Attribute.map((a) => a.value)));
  for (const o of visible) if (o.type === 'indicator') expect(values.has(`${newest(o).word}.example`), `MISP value of ${o.id} for ${who}`).toBe(true);
  const sightings = events.flatMap((e) => e.Attribute.flatMap((a) => (a.Sighting ?? []).map((s) => s.uuid)));
  for (const s of sightings) expect(visible.some((o) => o.type === 'sighting' && uuidOf(o.id) === s), `MISP sighting ${s} for ${who}`).toBe(true);

  const manifest = await call('GET', '/misp/feed/manifest.json');
  expect(Object.keys(JSON.parse(manifest.body) as object).sort(), `MISP manifest for ${who}`).toEqual([...uuids].sort());
  expect(leaks(world, r, manifest.body, hiddenUuids), `MISP manifest for ${who}`).toEqual([]);
  const hashes = await call('GET', '/misp/feed/hashes.csv');
  const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
  const expectedHashes = events.flatMap((e) => e.Attribute.map((a) => `${md5(a.value)},${e.uuid}`));
  expect(hashes.body.split('\n').filter((l) => l !== '').sort(), `MISP hashes for ${who}`).toEqual(expectedHashes.sort());
  const hiddenValues = new Set(forbiddenWords(world, r).map((w) => md5(`${w}.example`)));
  expect(hashes.body.split('\n').filter((l) => hiddenValues.has(l.split(',')[0] ?? '')), `MISP hashes of unseen values for ${who}`).toEqual([]);
  for (const e of events) {
    const file = await call('GET', `/misp/feed/${e.uuid}.json`);
    expect(file.status, `MISP feed event ${e.uuid} for ${who}`).toBe(200);
    expect((JSON.parse(file.body) as { Event: MispEvent }).Event, `MISP feed event ${e.uuid} for ${who}`).toEqual(e);
  }
}

/** Graph (two hops and one), connections, selection export, titles, totals and the dashboard for one reader. */
async function checkObjects(world: ModelWorld, r: ModelReader, call: Call): Promise<void> {
  const who = describeReader(world, r);
  const visible = world.objects.filter((o) => sees(world, r, o));
  const hiddenIds = world.objects.filter((o) => !sees(world, r, o)).map((o) => o.id as string);
  const byId = new Map(world.objects.map((o) => [o.id as string, o]));

  for (const root of visible) {
    // Two hops (one hop is test/graph-visibility-property.test.ts's).
    {
      const hops = 2;
      const res = await call('GET', `/api/v1/objects/${root.id}/graph?hops=${hops}`);
      expect(res.status, `graph of ${root.id} by ${who}`).toBe(200);
      expect(leaks(world, r, res.body, hiddenIds), `graph of ${root.id} (${hops} hops) by ${who}`).toEqual([]);
      const body = JSON.parse(res.body) as { nodes: { shared: boolean; key: string; hop: number; id?: string; title?: string | null }[]; edges: { source: string; target: string }[] };
      const expected = graphOracle(world, r, root, hops);
      expect(new Map(body.nodes.filter((n) => n.shared).map((n) => [n.key, n.hop])), `graph nodes of ${root.id} (${hops} hops) by ${who}`).toEqual(expected.shown);
      expect(body.nodes.filter((n) => !n.shared).map((n) => n.hop).sort(), `hidden nodes of ${root.id} (${hops} hops) by ${who}`).toEqual(expected.hidden);
      // An edge between two objects it may see stands for an object it may see: one pointing at the other, or a relationship between them.
      for (const e of body.edges) {
        if (!expected.shown.has(e.source) || !expected.shown.has(e.target)) continue;
        const justified = visible.some((o) => (o.id === e.source && o.refs.includes(e.target as StixId)) || (o.ends !== null && o.ends[0] === e.source && o.ends[1] === e.target));
        expect(justified, `graph edge ${e.source} -> ${e.target} of ${root.id} by ${who}`).toBe(true);
      }
    }
    // The object's page: its newest version and the versions it may see of it; its relationships, with the other end only when shared.
    const detail = await call('GET', `/api/v1/objects/${root.id}`);
    expect(leaks(world, r, detail.body), `detail of ${root.id} by ${who}`).toEqual([]);
    const shown = JSON.parse(detail.body) as { object: unknown; versions: { modified: string }[] };
    expect(JSON.stringify(shown.object), `detail of ${root.id} by ${who}`).toBe(asServed(newest(root)));
    expect(shown.versions.map((v) => v.modified), `versions of ${root.id} by ${who}`).toEqual(root.versions.filter((v) => seesVersion(world, r, root, v)).map((v) => v.modified));
    const related = await call('GET', `/api/v1/objects/${root.id}/related?limit=100`);
    expect(leaks(world, r, related.body), `related of ${root.id} by ${who}`).toEqual([]);
    const relatedItems = (JSON.parse(related.body) as { items: { relationship: { id: string }; other: { id: string } | null }[] }).items;
    const relationships = visible.filter((o) => o.type === 'relationship' && o.ends !== null && o.ends.includes(root.id));
    expect(relatedItems.map((x) => x.relationship.id).sort(), `related of ${root.id} by ${who}`).toEqual(relationships.map((o) => o.id as string).sort());
    for (const x of relatedItems) {
      const rel = byId.get(x.relationship.id);
      const otherId = rel?.ends?.[0] === root.id ? rel.ends[1] : rel?.ends?.[0];
      const other = otherId === undefined ? undefined : byId.get(otherId);
      expect(x.other?.id ?? null, `related end of ${x.relationship.id} by ${who}`).toBe(other !== undefined && sees(world, r, other) ? other.id : null);
    }
    const c = await call('GET', `/api/v1/objects/${root.id}/connections?limit=100`);
    expect(leaks(world, r, c.body), `connections of ${root.id} by ${who}`).toEqual([]);
    const conn = JSON.parse(c.body) as { refers_to: { target: { shared: boolean; id: string } }[]; referred_by: { object: { id: string }; relationship: { other: { shared: boolean; id: string } } | null }[] };
    for (const t of conn.refers_to) expect(t.target.shared, `connection ${root.id} -> ${t.target.id} by ${who}`).toBe(byId.get(t.target.id) !== undefined && sees(world, r, byId.get(t.target.id) as ModelObject));
    const referrers = visible.filter((o) => o.id !== root.id && o.refs.includes(root.id)).map((o) => o.id as string);
    expect(conn.referred_by.map((x) => x.object.id).sort(), `referred by ${root.id} for ${who}`).toEqual(referrers.sort());
    for (const x of conn.referred_by) {
      if (x.relationship === null) continue;
      const other = byId.get(x.relationship.other.id);
      expect(x.relationship.other.shared, `relationship end ${x.relationship.other.id} by ${who}`).toBe(other !== undefined && sees(world, r, other));
    }
  }

  const asked = [...world.objects.map((o) => o.id), absentId('indicator')];
  const expectedIds = visible.map((o) => o.id as string);
  const bundle = await call('POST', '/api/v1/export/selection', { ids: asked, format: 'stix' });
  expect(bundle.status, `selection by ${who}`).toBe(200);
  const objects = (JSON.parse(bundle.body) as { objects?: { id: string }[] }).objects ?? [];
  expect(objects.map((o) => o.id), `selection (STIX) by ${who}`).toEqual(expectedIds);
  expect(objects.map((o) => JSON.stringify(o)), `selection (STIX) is the newest versions, for ${who}`).toEqual(visible.map((o) => asServed(newest(o))));
  const csv = await call('POST', '/api/v1/export/selection', { ids: asked, format: 'csv' });
  expect(csv.body.split('\r\n').slice(1, -1).map((l) => l.slice(0, l.indexOf(','))), `selection (CSV) by ${who}`).toEqual(expectedIds);
  expect(leaks(world, r, csv.body), `selection (CSV) by ${who}`).toEqual([]);
  const titles = await call('POST', '/api/v1/titles', { ids: asked });
  expect((JSON.parse(titles.body) as { items: { id: string }[] }).items.map((t) => t.id), `titles by ${who}`).toEqual(expectedIds);
  expect(leaks(world, r, titles.body), `titles by ${who}`).toEqual([]);

  // Totals: of everything, and of one version's word or value (only a newest version it may see is found by it).
  const list = JSON.parse((await call('GET', '/api/v1/objects?limit=2')).body) as { total: number; total_capped: boolean };
  expect([list.total, list.total_capped], `list total by ${who}`).toEqual([visible.length, false]);
  for (const o of world.objects.filter((x) => x.type === 'indicator' || x.type === 'report' || x.type === 'incident').slice(0, 4)) {
    for (const v of o.versions) {
      const found = v === newest(o) && sees(world, r, o) ? 1 : 0;
      const words = JSON.parse((await call('GET', `/api/v1/objects?limit=1&q=${v.word}`)).body) as { total: number; items: unknown[] };
      expect([words.total, words.items.length], `total of ${v.word} by ${who}`).toEqual([found, found]);
      if (o.type !== 'indicator') continue;
      const value = JSON.parse((await call('GET', `/api/v1/objects?limit=1&q=${v.word}.example`)).body) as { total: number };
      expect(value.total, `total of ${v.word}.example by ${who}`).toBe(found);
    }
  }

  const dashboard = JSON.parse((await call('GET', '/api/v1/dashboard')).body) as { by_type: { type: string; count: number }[]; listed_elsewhere: { type: string; count: number }[]; open_incidents: number; latest_shared: { id: string }[] };
  const counted = visible.filter((o) => !newest(o).revoked);
  // What the Intelligence list shows by type; what it leaves out unless chosen (relationships here) counted apart.
  const byType = new Map<string, number>();
  const elsewhere = new Map<string, number>();
  for (const o of counted) {
    const into = LISTED_ELSEWHERE.includes(o.type) ? elsewhere : byType;
    into.set(o.type, (into.get(o.type) ?? 0) + 1);
  }
  expect(new Map(dashboard.by_type.map((t) => [t.type, t.count])), `dashboard by type for ${who}`).toEqual(byType);
  expect(new Map(dashboard.listed_elsewhere.map((t) => [t.type, t.count])), `dashboard listed elsewhere for ${who}`).toEqual(elsewhere);
  expect(dashboard.open_incidents, `dashboard open incidents for ${who}`).toBe(counted.filter((o) => o.type === 'incident').length);
  for (const l of dashboard.latest_shared) expect(expectedIds, `dashboard latest for ${who}`).toContain(l.id);

  for (const o of world.objects.filter((x) => x.type === 'indicator')) {
    const res = await call('GET', `/api/v1/aggregates/sightings/${o.id}`);
    if (!sees(world, r, o)) {
      expect(res.status, `sighting counts of ${o.id} by ${who}`).toBe(404);
      continue;
    }
    const got = JSON.parse(res.body) as Record<string, unknown>;
    const want = aggregateOracle(world, r, o);
    expect(Object.fromEntries(Object.keys(want).map((k) => [k, got[k]])), `sighting counts of ${o.id} by ${who}`).toEqual(want);
    expect(leaks(world, r, res.body, hiddenIds), `sighting counts of ${o.id} by ${who}`).toEqual([]);
  }
}

/** What log matching reads (StixStore.indicators): the indicators the reader may see whose newest version is not revoked, oldest first, in pages. */
async function checkIndicators(store: RampartStore, service: SharingService, world: ModelWorld, r: ModelReader): Promise<void> {
  const reader = await readerFor(service, world, r);
  const ids: string[] = [];
  let after: number | undefined;
  for (;;) {
    const page = await store.stix.indicators(reader, { limit: 2, ...(after === undefined ? {} : { afterUs: after }) });
    ids.push(...page.map((i) => i.id));
    if (page.length < 2) break;
    after = page[page.length - 1]?.addedUs;
  }
  const expected = world.objects.filter((o) => o.type === 'indicator' && sees(world, r, o) && !newest(o).revoked).map((o) => o.id as string);
  expect(ids.sort(), `indicators to match by ${describeReader(world, r)}`).toEqual(expected.sort());
}

/** Every answer about an id the reader may not see reads exactly like the answer about an id that does not exist. */
async function checkRefusals(world: ModelWorld, r: ModelReader, call: Call): Promise<void> {
  const who = describeReader(world, r);
  for (const o of world.objects.filter((x) => !sees(world, r, x))) {
    const absent = absentId(o.type);
    const paths = [
      ['GET', `/api/v1/objects/{id}`],
      ['GET', `/api/v1/objects/{id}/graph`],
      ['GET', `/api/v1/objects/{id}/connections`],
      ['GET', `/api/v1/objects/{id}/related`],
      ['GET', `/api/v1/aggregates/sightings/{id}`],
      ['GET', `/misp/feed/{uuid}.json`],
      ['POST', `/api/v1/objects/{id}/revoke`],
      ['PUT', `/api/v1/objects/{id}/sharing`],
      ['POST', '/api/v1/export/selection'],
    ] as const;
    for (const [method, path] of paths) {
      const payload = path.endsWith('/sharing') ? { audience: ['community'] } : path.endsWith('/selection') ? { format: 'csv' } : undefined;
      const ask = (id: string) =>
        call(method, path.replace('{id}', id).replace('{uuid}', uuidOf(id)), payload === undefined ? undefined : 'format' in payload ? { ...payload, ids: [id] } : payload);
      const [unseen, none] = await Promise.all([ask(o.id), ask(absent)]);
      const same = (s: Served, id: string) => `${s.status} ${s.body.replaceAll(id, '{id}').replaceAll(uuidOf(id), '{uuid}')}`;
      expect(same(unseen, o.id), `${method} ${path} of an unseen ${o.type} by ${who}`).toBe(same(none, absent));
    }
  }
}

let fresh = 0;

/**
 * Publishing under an id the reader may not see reads exactly like publishing under a free one (DESIGN.md, "a refusal
 * reveals nothing"): the write becomes its own record. Run last: it adds records (each its writer's alone).
 */
async function checkWritesToUnseen(world: ModelWorld, r: Extract<ModelReader, { kind: 'member' }>, call: Call): Promise<void> {
  const me = world.orgs[r.org]?.id ?? '';
  // The first unseen indicator through the REST write, the second through an import (each id written once: a second write would be a new version of its own record).
  for (const [n, o] of world.objects.filter((x) => x.type === 'indicator' && !sees(world, r, x)).slice(0, 2).entries()) {
    const free = `indicator--5efffffe-0000-4000-8000-${hex(++fresh, 12)}`;
    const publish = (id: string) => {
      const object = { type: 'indicator', spec_version: '2.1', id, created: `${DAY}T13:00:00.000Z`, modified: `${DAY}T13:00:00.000Z`, name: 'seen here', pattern: "[domain-name:value = 'here.example']", pattern_type: 'stix', valid_from: `${DAY}T13:00:00Z` };
      if (n === 0) return call('POST', '/api/v1/objects', { object, tlp: 'amber', audience: [`org:${me}`] });
      return call('POST', `/api/v1/import?tlp=amber&audience=org:${me}`, { type: 'bundle', id: `bundle--5efffffd-0000-4000-8000-${hex(++fresh, 12)}`, objects: [object] });
    };
    const [unseen, none] = [await publish(o.id), await publish(free)];
    expect(none.status, none.body).toBe(n === 0 ? 201 : 200);
    const same = (x: Served, id: string) => `${x.status} ${x.body.replaceAll(id, '{id}')}`;
    expect(same(unseen, o.id), `publishing under an unseen id by ${describeReader(world, r)}`).toBe(same(none, free));
  }
}

// ---- The property ------------------------------------------------------------------------------

describe.each(testDialects())('export, feed, graph, selection, totals and counts on %s agree with the TLP oracle', (dialect) => {
  it('for random worlds, before and after re-shares', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (spec) => {
        const db = dialect === 'sqlite' ? null : testDatabase(dialect);
        const store = await openStore({ url: db?.url ?? ':memory:' });
        let h: Harness | null = null;
        try {
          const world = buildModel(spec);
          const { service, actor } = await populate(store, world);
          const members = readersOf(world).filter((x): x is Extract<ModelReader, { kind: 'member' }> => x.kind === 'member');
          const principals = new Map<string, Principal>();
          for (const [i, m] of members.entries()) {
            const reader = await readerFor(service, world, m);
            if (reader.kind !== 'member') continue;
            principals.set(`key-${i}`, { orgId: reader.orgId, userId: reader.userId, keys: reader.keys, scope: 'write' });
          }
          h = await harness({
            stix: store.stix,
            sharing: service,
            auth: () => principalKeyAuth(principals),
            plugins: [mispPlugin({ stix: store.stix, clock: { now: () => new Date(`${DAY}T18:00:00Z`) }, hubOwner: 'identity--0c000000-0000-4000-8000-00000000000c' as OrgId }), sharingRoutes({ sharing: service, isOrgAdmin: () => Promise.resolve(true) })],
          });
          const app = h.app;
          const callAs = (i: number): Call => async (method, url, payload) => {
            const res = await app.inject({ method, url, headers: { authorization: `Bearer key-${i}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
            return { status: res.statusCode, body: res.body };
          };
          // A first read of the MISP feed by everyone, so that what it remembers is tested after the re-shares.
          for (const [i, m] of members.entries()) await checkMisp(world, m, callAs(i));
          // After each re-share, what the MISP export remembers must follow it (one re-share of a sighting alone, say).
          await reshareAll(world, spec, service, actor, async () => {
            for (const [i, m] of members.entries()) await checkMispExport(world, m, callAs(i));
          });
          for (const [i, m] of members.entries()) {
            await checkMisp(world, m, callAs(i));
            await checkObjects(world, m, callAs(i));
            await checkIndicators(store, service, world, m);
            if (m.user === null) await checkRefusals(world, m, callAs(i));
          }
          for (const [i, m] of members.entries()) if (m.user === null) await checkWritesToUnseen(world, m, callAs(i));
        } finally {
          await h?.close();
          await store.close();
          await db?.drop();
        }
      }),
      { numRuns: dialect === 'sqlite' ? 6 : 2, endOnFailure: true },
    );
  }, 600_000);
});
