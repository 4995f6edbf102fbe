import type { AudienceKey } from '../domain/audience.ts';
import { parseOrgId, parseStixId, type OrgId, type StixId } from '../domain/ids.ts';
import { RAMPART_NAMESPACE, uuidV5 } from '../domain/uuid.ts';
import type { AlertRow, DeliveryRow, NotificationsStore, RuleRow } from '../store/notifications.ts';
import type { MemberReader, Reader, StixStore, StoredVersion } from '../store/types.ts';
import type { Directory, KeysOf, OrgFacts, Person } from './directory.ts';
import { factsOf, patternValues, type Facts } from './facts.ts';
import { ALERT_KIND_WORDS, alertKinds, criteriaHold, planContacts, standardRules, watchHits, type Rule, type WatchItem } from './rules.ts';
import { Value } from '@sinclair/typebox/value';
import { ALERT_KINDS, EMAIL_MODES, WATCH_KINDS, WatchCriteriaSchema, type AlertKind, type EmailMode, type WatchKind } from './schemas.ts';

const primaryContact = (kind: AlertKind): Rule => ({ id: `plan:primary:${kind}`, name: `You are a primary contact for urgent ${ALERT_KIND_WORDS[kind]}`, criteria: {}, email: 'immediate', userId: null });

/** Stable ids: the same person (or webhook), object version and channel always give the same id, in every process. */
export const alertId = (userId: string, objectId: string, addedUs: number) => uuidV5(`alert|${userId}|${objectId}|${addedUs}`, RAMPART_NAMESPACE);
export const deliveryId = (channel: string, recipient: string, objectId: string, addedUs: number) => uuidV5(`delivery|${channel}|${recipient}|${objectId}|${addedUs}`, RAMPART_NAMESPACE);

export interface MatcherDeps {
  readonly stix: Pick<StixStore, 'list' | 'versions' | 'get' | 'seenBy'>;
  readonly store: NotificationsStore;
  readonly directory: Directory;
  readonly keysOf: KeysOf;
  /** keysOf(id, null) of many organizations already read from the directory, in one query (one keysOf each without it). */
  readonly keysOfKnown?: (orgs: readonly OrgFacts[]) => Promise<ReadonlyMap<OrgId, readonly AudienceKey[]>>;
  readonly now: () => number;
  /** When the next daily digest goes out, for a time `now`. */
  readonly nextDigestAt: (now: number) => number;
  /**
   * The directory read last, under the mark read before it (NotificationsStore.directoryMark): a pass whose mark
   * is the same uses it instead of reading the directory again. Without it, every pass reads the directory.
   */
  readonly cache?: { current: { readonly mark: string; readonly watchers: Watchers } | null };
}

/** Everything a pass needs about who watches what, loaded when the directory's mark moves. */
export interface Watchers {
  readonly orgs: ReadonlyMap<OrgId, OrgFacts>;
  readonly people: ReadonlyMap<OrgId, readonly Person[]>;
  readonly orgRules: ReadonlyMap<OrgId, readonly Rule[]>;
  readonly personRules: ReadonlyMap<string, readonly Rule[]>;
  readonly watchItems: ReadonlyMap<OrgId, readonly WatchItem[]>;
  readonly personModes: ReadonlyMap<string, string>;
  readonly webhooks: ReadonlyMap<OrgId, readonly string[]>;
  readonly keys: Map<OrgId, ReadonlySet<string>>;
  /** `org|kind|person` for the people each organization's notification plan names as primary contacts of a kind of alert. */
  readonly primary: ReadonlySet<string>;
  /** The organizations with someone to tell (people or webhooks), in directory order. */
  readonly watching: readonly OrgId[];
  /** For each audience key, the positions in `watching` of the organizations that read with it. */
  readonly byKey: ReadonlyMap<string, readonly number[]>;
  /** For `user:<id>`, the position in `watching` of that person's organization. */
  readonly byPerson: ReadonlyMap<string, number>;
}

const isEmailMode = (s: string): s is EmailMode => (EMAIL_MODES as readonly string[]).includes(s);
const isWatchKind = (s: string): s is WatchKind => (WATCH_KINDS as readonly string[]).includes(s);

/** A stored rule as the matcher uses it; a row the schema no longer accepts is skipped (and would be a bug). */
export function ruleOf(row: RuleRow): Rule | null {
  let criteria: unknown;
  try {
    criteria = JSON.parse(row.criteria);
  } catch {
    return null;
  }
  if (!Value.Check(WatchCriteriaSchema, criteria) || !isEmailMode(row.email)) return null;
  return { id: row.id, name: row.name, criteria, email: row.email, userId: row.user_id };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

async function loadWatchers(deps: MatcherDeps): Promise<Watchers> {
  const [orgList, peopleList, ruleRows, plans, items, persons, hooks] = await Promise.all([
    deps.directory.organizations(),
    deps.directory.people(),
    deps.store.rules({ enabledOnly: true }),
    deps.store.plans(),
    deps.store.watchItems(),
    deps.store.people(),
    deps.store.webhooks(),
  ]);
  const orgs = new Map(orgList.map((o) => [o.id, o]));
  const people = new Map<OrgId, Person[]>();
  for (const p of peopleList) push(people, p.orgId, p);
  const defaultsOff = new Set(plans.filter((p) => p.defaults_enabled === 0).map((p) => p.org_id));
  const orgRules = new Map<OrgId, Rule[]>();
  const personRules = new Map<string, Rule[]>();
  for (const row of ruleRows) {
    const rule = ruleOf(row);
    if (rule === null) continue;
    if (row.user_id === null) push(orgRules, row.org_id, rule);
    else push(personRules, row.user_id, rule);
  }
  for (const org of orgs.values()) {
    if (!defaultsOff.has(org.id)) for (const rule of standardRules(org.kind, org.stateFips)) push(orgRules, org.id, rule);
  }
  const watchItems = new Map<OrgId, WatchItem[]>();
  for (const item of items) if (isWatchKind(item.kind)) push(watchItems, item.org_id, { kind: item.kind, value: item.value });
  const webhooks = new Map<OrgId, string[]>();
  for (const hook of hooks) if (hook.enabled === 1) push(webhooks, hook.org_id, hook.id);
  const primary = new Set<string>();
  for (const plan of plans) {
    const contacts = planContacts(plan.contacts);
    for (const kind of ALERT_KINDS) for (const id of contacts[kind].primary) primary.add(`${plan.org_id}|${kind}|${id}`);
  }
  // The keys of every organization that has someone to tell, asked all at once: the store answers lookups made together in one query.
  const watching = [...orgs.keys()].filter((id) => people.has(id) || webhooks.has(id));
  const known = deps.keysOfKnown === undefined ? null : await deps.keysOfKnown(watching.flatMap((id) => orgs.get(id) ?? []));
  const keys = new Map(await Promise.all(watching.map(async (id) => [id, new Set<string>(known?.get(id) ?? (await deps.keysOf(id, null)))] as const)));
  const byKey = new Map<string, number[]>();
  const byPerson = new Map<string, number>();
  for (const [i, id] of watching.entries()) {
    for (const key of keys.get(id) ?? []) push(byKey, key, i);
    for (const person of people.get(id) ?? []) byPerson.set(`user:${person.id}`, i);
  }
  return { orgs, people, orgRules, personRules, watchItems, personModes: new Map(persons.map((p) => [p.user_id, p.email_mode])), webhooks, keys, primary, watching, byKey, byPerson };
}

/** The watchers as of now: those kept under the directory's current mark (`read`, when the caller has just read it), else read again (and kept). */
async function watchersOf(deps: MatcherDeps, read?: string): Promise<Watchers> {
  const cache = deps.cache;
  if (cache === undefined) return loadWatchers(deps);
  // The mark first: the directory read after it is at least as new, so keeping it under this mark never hides a later write.
  const mark = read ?? (await deps.store.directoryMark());
  if (cache.current?.mark === mark) return cache.current.watchers;
  const watchers = await loadWatchers(deps);
  cache.current = { mark, watchers };
  return watchers;
}

async function orgKeys(deps: MatcherDeps, w: Watchers, orgId: OrgId): Promise<ReadonlySet<string>> {
  let keys = w.keys.get(orgId);
  if (keys === undefined) {
    keys = new Set(await deps.keysOf(orgId, null));
    w.keys.set(orgId, keys);
  }
  return keys;
}

/** Whether `reader` may see this very version, asked of the store (the one visibility predicate). */
export async function sees(stix: Pick<StixStore, 'versions'>, reader: Reader, id: StixId, addedUs: number): Promise<StoredVersion | null> {
  return (await stix.versions(reader, id)).find((v) => v.addedUs === addedUs) ?? null;
}

/** The email an alert gets: none, the daily digest, or at once (urgent alerts always at once unless the person wants no email). */
export function emailModeFor(rules: readonly Rule[], personMode: string | undefined, urgent: boolean): EmailMode {
  if (personMode === 'none') return 'none';
  const wanted = rules.some((r) => r.email === 'immediate') ? 'immediate' : rules.some((r) => r.email === 'digest') ? 'digest' : 'none';
  if (urgent && wanted !== 'none') return 'immediate';
  if (personMode === 'digest' && wanted === 'immediate') return 'digest';
  return wanted;
}

/** A reference read from a stored object's JSON, parsed: null when it is not a STIX id. */
function refOf(value: unknown): StixId | null {
  if (typeof value !== 'string') return null;
  const id = parseStixId(value);
  return id.ok ? id.value : null;
}

/**
 * Values a sighting names through what it points at (the indicator sighted, observed data), read
 * with the organization's own reader: only what it may see adds to its facts.
 */
async function sightingValues(deps: MatcherDeps, reader: Reader, version: StoredVersion): Promise<Facts['values']> {
  if (version.type !== 'sighting') return [];
  const object = JSON.parse(version.json) as { sighting_of_ref?: unknown; observed_data_refs?: unknown };
  const out: Facts['values'][number][] = [];
  const ids = [refOf(object.sighting_of_ref), ...(Array.isArray(object.observed_data_refs) ? object.observed_data_refs.map(refOf) : [])].filter((id) => id !== null);
  for (const id of ids.slice(0, 20)) {
    const target = await deps.stix.get(reader, id);
    if (target === null) continue;
    const parsed = JSON.parse(target.json) as { pattern?: unknown; objects?: unknown; object_refs?: unknown };
    if (typeof parsed.pattern === 'string') out.push(...patternValues(parsed.pattern));
    const refs = Array.isArray(parsed.object_refs) ? parsed.object_refs : [];
    for (const r of refs.slice(0, 50)) {
      const ref = refOf(r);
      const sco = ref === null ? null : await deps.stix.get(reader, ref);
      if (sco === null) continue;
      const value = (JSON.parse(sco.json) as { value?: unknown }).value;
      const kind = sco.type === 'domain-name' ? 'domain' : sco.type === 'url' ? 'url' : sco.type === 'email-addr' ? 'email' : sco.type === 'ipv4-addr' || sco.type === 'ipv6-addr' ? 'ip' : null;
      if (kind !== null && typeof value === 'string') out.push({ kind, value });
    }
  }
  return out;
}

/**
 * For each reader, whether the store says it may see `version` (seenBy), readers the version cannot tell apart asked once.
 * THE predicate sees a version when the reader's organization owns it or one of its keys is in its audience: an
 * organization that does not own the version and whose own keys (`org:` of itself, `user:` of its people) the audience
 * does not name sees it exactly when the rest of its keys do. Every local office of a state holds the same rest (a Texas
 * status report had ~255 candidate organizations: 255 arms in three statements, now one or two arms in one).
 */
export async function seenByDistinct(stix: Pick<StixStore, 'seenBy'>, readers: readonly MemberReader[], version: Pick<StoredVersion, 'id' | 'addedUs' | 'sharing'>): Promise<boolean[]> {
  const audience = new Set<string>(version.sharing.audience);
  const asked: Reader[] = [];
  const armOf = new Map<string, number>();
  const arms = readers.map((reader) => {
    const ownKey = (k: string) => k.startsWith('user:') || k === `org:${reader.orgId}`;
    const own = reader.orgId === version.sharing.owner || reader.keys.some((k) => ownKey(k) && audience.has(k));
    // A reader the audience names by its own keys (or the owner) asks with all of them, in an arm of its own.
    const asks: Reader = own ? reader : { kind: 'audience', keys: [...new Set(reader.keys.filter((k) => !ownKey(k)))].sort() };
    const key = own ? `own\n${reader.orgId}\n${[...reader.keys].sort().join(' ')}` : `keys\n${asks.kind === 'audience' ? asks.keys.join(' ') : ''}`;
    let arm = armOf.get(key);
    if (arm === undefined) {
      arm = asked.length;
      asked.push(asks);
      armOf.set(key, arm);
    }
    return arm;
  });
  const seen = await stix.seenBy(asked, version.id, version.addedUs);
  return arms.map((arm) => seen[arm] === true);
}

/** Alerts and deliveries one version gives rise to: for every person and webhook that may see it and whose rules it meets. */
export async function matchVersion(deps: MatcherDeps, w: Watchers, version: StoredVersion, now: number): Promise<{ alerts: AlertRow[]; deliveries: DeliveryRow[] }> {
  const alerts: AlertRow[] = [];
  const deliveries: DeliveryRow[] = [];
  // The jurisdiction a status report names is read from the object: parsed before it is looked up.
  const stateOf = (id: string) => {
    const org = parseOrgId(id);
    return org.ok ? (w.orgs.get(org.value)?.stateFips ?? null) : null;
  };
  const baseFacts = factsOf(version, stateOf);
  const audience = version.sharing.audience;
  const namesPeople = audience.some((k) => k.startsWith('user:'));
  // Candidates only: the store's predicate decides below, for each organization's reader (all in one query).
  const candidates: { orgId: OrgId; org: OrgFacts; people: readonly Person[]; hooks: readonly string[]; keys: ReadonlySet<string>; named: boolean; reader: MemberReader }[] = [];
  // The organizations that read with one of the audience's keys or have a person it names, in directory order.
  const positions = new Set<number>();
  for (const key of audience) {
    for (const i of w.byKey.get(key) ?? []) positions.add(i);
    const named = w.byPerson.get(key);
    if (named !== undefined) positions.add(named);
  }
  for (const i of [...positions].sort((a, b) => a - b)) {
    const orgId = w.watching[i];
    const org = orgId === undefined ? undefined : w.orgs.get(orgId);
    if (orgId === undefined || org === undefined) continue;
    // An organization is not told of what it published itself.
    if (orgId === version.sharing.owner) continue;
    const people = w.people.get(orgId) ?? [];
    const hooks = w.webhooks.get(orgId) ?? [];
    if (people.length === 0 && hooks.length === 0) continue;
    const keys = await orgKeys(deps, w, orgId);
    const named = namesPeople && people.some((p) => audience.includes(`user:${p.id}`));
    if (!named && !audience.some((k) => keys.has(k))) continue;
    candidates.push({ orgId, org, people, hooks, keys, named, reader: { kind: 'member', orgId, userId: null, keys: [...keys] as AudienceKey[] } });
  }
  const seen = candidates.length === 0 ? [] : await seenByDistinct(deps.stix, candidates.map((c) => c.reader), version);
  for (const [i, { orgId, org, people, hooks, keys, named, reader: orgReader }] of candidates.entries()) {
    const orgSees = seen[i] === true;
    if (!orgSees && !named) continue;
    const extra = orgSees ? await sightingValues(deps, orgReader, version) : [];
    const facts: Facts = extra.length === 0 ? baseFacts : { ...baseFacts, values: [...baseFacts.values, ...extra] };
    const items = w.watchItems.get(orgId) ?? [];
    const hits = watchHits(items, facts);
    const orgRules = w.orgRules.get(orgId) ?? [];
    const who = { orgId, userId: null, stateFips: org.stateFips };
    const orgMatched = orgSees ? orgRules.filter((r) => criteriaHold(r.criteria, facts, who, hits)) : [];
    const reasonsOf = (rules: readonly Rule[]) => JSON.stringify([...new Set(rules.map((r) => r.name))]);
    const kinds = alertKinds(version.type, hits.length > 0);
    for (const person of people) {
      // A person sees what the organization sees, and what is named to them (TLP:RED) besides.
      const personSees = audience.includes(`user:${person.id}`)
        ? (await sees(deps.stix, { ...orgReader, userId: person.id, keys: [...keys, `user:${person.id}`] as AudienceKey[] }, version.id, version.addedUs)) !== null
        : orgSees;
      if (!personSees) continue;
      const mine = { orgId, userId: person.id, stateFips: org.stateFips };
      const matched = [
        ...orgRules.filter((r) => orgMatched.includes(r) || criteriaHold(r.criteria, facts, mine, hits)),
        ...(w.personRules.get(person.id) ?? []).filter((r) => criteriaHold(r.criteria, facts, mine, hits)),
      ];
      // The plan's primary contacts of a kind hear of every urgent alert of that kind the organization may see, at once.
      const primaryOf = facts.urgent ? kinds.filter((k) => w.primary.has(`${orgId}|${k}|${person.id}`)) : [];
      const isPrimary = primaryOf.length > 0;
      for (const kind of primaryOf) matched.push(primaryContact(kind));
      if (matched.length === 0) continue;
      const id = alertId(person.id, version.id, version.addedUs);
      const reasons = reasonsOf(matched);
      const urgent = facts.urgent ? 1 : 0;
      alerts.push({ id, user_id: person.id, org_id: orgId, object_id: version.id, added_us: version.addedUs, notice: null, reasons, urgent, created_at: now, read_at: null, acked_at: null, escalated_at: null, kinds: JSON.stringify(kinds), support_id: null });
      const mode = isPrimary ? 'immediate' : emailModeFor(matched, w.personModes.get(person.id), facts.urgent);
      if (mode === 'none') continue;
      deliveries.push(delivery('email', person.id, orgId, id, version, mode, reasons, urgent, mode === 'digest' ? deps.nextDigestAt(now) : now, now));
    }
    if (orgMatched.length > 0) {
      for (const hook of hooks) deliveries.push(delivery('webhook', hook, orgId, null, version, 'immediate', reasonsOf(orgMatched), facts.urgent ? 1 : 0, now, now));
    }
  }
  return { alerts, deliveries };
}

function delivery(channel: string, recipient: string, orgId: OrgId, alert: string | null, version: StoredVersion, mode: string, reasons: string, urgent: number, nextAt: number, now: number): DeliveryRow {
  return {
    id: deliveryId(channel, recipient, version.id, version.addedUs),
    channel,
    recipient,
    org_id: orgId,
    alert_id: alert,
    object_id: version.id,
    added_us: version.addedUs,
    mode,
    reasons,
    urgent,
    state: 'pending',
    attempts: 0,
    next_at: nextAt,
    lease_owner: null,
    lease_until: null,
    last_error: null,
    created_at: now,
    done_at: null,
    support_id: null,
    support_event: null,
  };
}

/** Versions a pass reads at most: a pass that read fewer reached the newest stored when it looked. */
export const PASS_SIZE = 200;

/** What a matching pass did: how many versions it read (0 when there was nothing new or another process moved the cursor first), and how many deliveries it recorded. */
export interface PassDone {
  readonly read: number;
  readonly deliveries: number;
}

const NOTHING_DONE: PassDone = { read: 0, deliveries: 0 };

/**
 * One matching pass: the versions stored since the cursor (in added order), matched against every
 * watcher, committed with the cursor's move all or nothing. `start`: the cursor and the directory's mark
 * just read with the matching lease (NotificationsStore.takeMatchLease), else the pass reads them.
 */
export async function matchPass(deps: MatcherDeps, start?: { readonly cursor: number; readonly mark: string }): Promise<PassDone> {
  const from = start?.cursor ?? (await deps.store.cursor());
  const page = await deps.stix.list({ kind: 'operator' }, { addedAfterUs: from, versions: 'all', limit: PASS_SIZE });
  if (!page.ok) throw new Error(`notifications: cannot list new versions: ${page.error.message}`);
  const last = page.value.items[page.value.items.length - 1];
  if (last === undefined) return NOTHING_DONE;
  const watchers = await watchersOf(deps, start?.mark);
  const now = deps.now();
  const alerts: AlertRow[] = [];
  const deliveries: DeliveryRow[] = [];
  for (const version of page.value.items) {
    const found = await matchVersion(deps, watchers, version, now);
    alerts.push(...found.alerts);
    deliveries.push(...found.deliveries);
  }
  return (await deps.store.commitPass(from, last.addedUs, alerts, deliveries)) ? { read: page.value.items.length, deliveries: deliveries.length } : NOTHING_DONE;
}

/**
 * A re-share may show an object to people who could not see it: its newest version is matched
 * again (alerts and deliveries already recorded stay as they were).
 */
export async function matchReshare(deps: MatcherDeps, id: StixId): Promise<void> {
  // Each owner's record of the id (the event names the id only): a record that was not re-shared matches as before.
  const latest = (await deps.stix.versions({ kind: 'operator' }, id)).filter((v) => v.isLatest && !v.revoked);
  if (latest.length === 0) return;
  const watchers = await watchersOf(deps);
  for (const version of latest) {
    const found = await matchVersion(deps, watchers, version, deps.now());
    await deps.store.record(found.alerts, found.deliveries);
  }
}

/**
 * Re-shares logged since the re-share cursor (the store logs each one, those made while no server
 * process ran included), each object matched again, then the cursor moved. Matching is idempotent:
 * two processes doing the same entry record each alert once. Returns how many entries it read.
 */
export async function reshareCatchUp(deps: MatcherDeps, limit = 200): Promise<number> {
  const from = await deps.store.reshareCursor();
  const entries = await deps.store.resharesAfter(from, limit);
  const last = entries[entries.length - 1];
  if (last === undefined) return 0;
  for (const id of new Set(entries.map((e) => e.id))) await matchReshare(deps, id);
  return (await deps.store.moveReshareCursor(from, last.seq)) ? entries.length : 0;
}
