import { parseStixId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { uuidV5 } from '../domain/uuid.ts';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import type { ListQuery, Reader, StixStore, StoredVersion } from '../store/types.ts';
import { eventOf, eventOfReport, refsOf, type EventHead, type MispExportOptions } from './export.ts';
import { reachOfSharing, tlpTag, uuidOf, type MispEventOut } from './from-stix.ts';

/**
 * Everything a reader may see as MISP events (docs/misp.md, "Export"): each report, each incident (with what
 * is related to it and its timeline notes), then the indicators and observations no report or incident holds,
 * one event per owner, day and sharing. Every read is the store's query with the reader.
 */

const LOOSE_TYPES = ['indicator', 'observed-data'];
const GROUP_NAMESPACE = '8e1c5a3f-2d7b-5f4e-9a6c-0b1d2e3f4a5b';

async function listAll(stix: StixStore, reader: Reader, query: Omit<ListQuery, 'limit' | 'cursor'>): Promise<Result<StoredVersion[], Problem>> {
  const out: StoredVersion[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await stix.list(reader, { ...query, limit: 500, ...(cursor === undefined ? {} : { cursor }) });
    if (!page.ok) return err(page.error);
    out.push(...page.value.items);
    if (page.value.nextCursor === null) return ok(out);
    cursor = page.value.nextCursor;
  }
}

/** The event of an incident: its description and election properties, what is related to it, its timeline notes. */
async function eventOfIncident(stix: StixStore, reader: Reader, incident: StoredVersion, options: MispExportOptions): Promise<Result<MispEventOut, Problem>> {
  const o = JSON.parse(incident.json) as Record<string, unknown>;
  const id = parseStixId(incident.id);
  const around = id.ok ? await listAll(stix, reader, { refersTo: id.value }) : ok([]);
  if (!around.ok) return around;
  const refIds = around.value.flatMap((v) => {
    if (v.type === 'note') return [v.id];
    if (v.type !== 'relationship') return [];
    const r = JSON.parse(v.json) as Record<string, unknown>;
    return [v.id, ...[r['source_ref'], r['target_ref']].map(String).filter((end) => end !== incident.id)];
  });
  const election = (o['extensions'] as Record<string, Record<string, unknown>> | undefined)?.[RAMPART_EXTENSION_ID] ?? {};
  const properties = ['incident_category', 'severity', 'case_status', 'state_fips'].flatMap((k) => (typeof election[k] === 'string' ? [`rampart:${k.replace(/_/g, '-')}="${String(election[k])}"`] : []));
  const description = typeof o['description'] === 'string' ? o['description'] : '';
  const head: EventHead = {
    uuid: uuidOf(incident.id),
    info: typeof o['name'] === 'string' ? o['name'] : `Incident ${uuidOf(incident.id)}`,
    published: typeof o['created'] === 'string' ? o['created'] : (incident.modified ?? '1970-01-01T00:00:00Z'),
    modified: incident.modified,
    sharing: incident.sharing,
    owner: typeof o['created_by_ref'] === 'string' ? o['created_by_ref'] : incident.sharing.owner,
    tags: ['rampart:type="incident"', ...properties, ...refsOf(o, 'labels')],
    selfId: incident.id,
    head: [incident],
    attributes: (context) =>
      description === ''
        ? []
        : [{ uuid: uuidOf(incident.id), type: 'text', category: 'Other', value: description, to_ids: false, ...reachOfSharing(incident.sharing, context.groupName), comment: 'the incident', timestamp: String(Math.floor(Date.parse(incident.modified ?? '1970-01-01T00:00:00Z') / 1000)), deleted: false, disable_correlation: false, object_relation: null, Tag: [tlpTag(incident.sharing)], Galaxy: [] }],
  };
  return ok(await eventOf(stix, reader, head, refIds, options));
}

/** The key of a loose indicator's event: its owner, the day it was made, and its exact sharing (so the event's distribution and TLP are its attributes'). */
function groupKey(v: StoredVersion): string {
  const created = (JSON.parse(v.json) as Record<string, unknown>)['created'];
  const day = typeof created === 'string' ? created.slice(0, 10) : (v.modified ?? '1970-01-01').slice(0, 10);
  return `${v.sharing.owner}|${day}|${v.sharing.tlp}|${[...v.sharing.audience].sort().join(',')}`;
}

function headOfGroup(key: string, versions: readonly StoredVersion[]): EventHead {
  const [owner = '', day = '1970-01-01'] = key.split('|');
  const first = versions[0];
  if (first === undefined) throw new Error('a group of loose indicators is never empty');
  const modified = versions.map((v) => v.modified ?? '').reduce((a, b) => (a > b ? a : b), '');
  return {
    uuid: uuidV5(key, GROUP_NAMESPACE),
    info: `Indicators and observations shared on ${day} outside any report`,
    published: `${day}T00:00:00Z`,
    modified: modified === '' ? null : modified,
    sharing: first.sharing,
    owner,
    tags: ['rampart:type="loose-indicators"'],
    selfId: null,
    head: [],
  };
}

/** One event as built for a reader, with the stored versions it was made from (to audit reads) and when its newest part was added. */
export interface BuiltEvent {
  readonly event: MispEventOut;
  readonly served: readonly StoredVersion[];
  /** When the newest of the versions it was made from (its head, what it holds, their observables) was added (microseconds). */
  readonly addedUs: number;
}

const newest = (served: readonly StoredVersion[]): number => served.reduce((m, v) => (v.addedUs > m ? v.addedUs : m), 0);

/** Builds one event, keeping what it was made from: each eventOf call serves its versions once. */
async function built(make: (options: MispExportOptions) => Promise<MispEventOut>, options: MispExportOptions): Promise<BuiltEvent> {
  const served: StoredVersion[] = [];
  const event = await make({ ...options, onServed: (v) => served.push(...v) });
  return { event, served, addedUs: newest(served) };
}

/** The reader's report and incident events, and its loose indicators grouped by owner, day and sharing. */
async function collectEvents(stix: StixStore, reader: Reader, options: MispExportOptions): Promise<Result<{ events: BuiltEvent[]; groups: Map<string, StoredVersion[]> }, Problem>> {
  const events: BuiltEvent[] = [];
  const held = new Set<string>();
  const reports = await listAll(stix, reader, { types: ['report'] });
  if (!reports.ok) return reports;
  for (const report of reports.value) events.push(await built((o) => eventOfReport(stix, reader, report, o), options));
  const incidents = await listAll(stix, reader, { types: ['incident'] });
  if (!incidents.ok) return incidents;
  for (const incident of incidents.value) {
    const served: StoredVersion[] = [];
    const event = await eventOfIncident(stix, reader, incident, { ...options, onServed: (v) => served.push(...v) });
    if (!event.ok) return event;
    events.push({ event: event.value, served, addedUs: newest(served) });
  }
  for (const e of events) for (const v of e.served) held.add(v.id);
  const loose = await listAll(stix, reader, { types: LOOSE_TYPES });
  if (!loose.ok) return loose;
  const groups = new Map<string, StoredVersion[]>();
  for (const v of loose.value) {
    if (held.has(v.id)) continue;
    const key = groupKey(v);
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return ok({ events, groups });
}

/**
 * Every MISP event the reader may see, each with what it was made from: reports, then incidents, then loose
 * indicators by owner, day and sharing. An indicator or observation that any report or incident the reader sees
 * holds is never loose.
 */
export async function buildEvents(stix: StixStore, reader: Reader, options: MispExportOptions = {}): Promise<Result<BuiltEvent[], Problem>> {
  const collected = await collectEvents(stix, reader, options);
  if (!collected.ok) return collected;
  const { events, groups } = collected.value;
  for (const [key, versions] of groups) {
    events.push(await built((o) => eventOf(stix, reader, headOfGroup(key, versions), versions.map((v) => v.id), o), options));
  }
  return ok(events);
}

/**
 * The events of `all` that `since` keeps (docs/misp.md, "Export"): each event any of whose parts (the report or
 * incident, an object it holds, an observable; a loose indicator of a group) was added after it, each whole.
 */
export function eventsSince(all: readonly BuiltEvent[], addedAfterUs: number | undefined): BuiltEvent[] {
  return addedAfterUs === undefined ? [...all] : all.filter((e) => e.addedUs > addedAfterUs);
}
