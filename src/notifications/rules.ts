import { assertNever } from '../domain/assert-never.ts';
import { Value } from '@sinclair/typebox/value';
import { SEVERITIES } from '../domain/election.ts';
import type { OrgKind } from '../domain/organization.ts';
import { cidrContains, parseCidr } from '../stix/pattern/cidr.ts';
import type { Facts, ObservedValue } from './facts.ts';
import { ALERT_KINDS, KindContactsSchema, type AlertKind, type EmailMode, type KindContacts, type WatchCriteria, type WatchKind } from './schemas.ts';
import { STATUS_REPORT_TYPE } from '../stix/rampart-extension.ts';

/** One watch item of an organization, parsed once. */
export interface WatchItem {
  readonly kind: WatchKind;
  readonly value: string;
}

/** Whose rule it is, for `my-state`, `my-organization` and `me` in an audience criterion. */
export interface Watcher {
  readonly orgId: string;
  readonly userId: string | null;
  readonly stateFips: string | null;
}

/** A rule as the matcher uses it: stored, or one of the standard rules for a kind of organization. */
export interface Rule {
  readonly id: string;
  readonly name: string;
  readonly criteria: WatchCriteria;
  readonly email: EmailMode;
  /** Person rules are that person's; organization rules are for all its people and its webhooks. */
  readonly userId: string | null;
}

const severityRank = (s: string | null) => (s === null ? -1 : (SEVERITIES as readonly string[]).indexOf(s));

/** Lower-case, without a trailing dot: how domains are compared. */
const domainOf = (v: string) => v.trim().toLowerCase().replace(/\.$/, '');

/** The host of a URL, or null when it is not one. */
function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** Whether `value` is `domain` or one of its subdomains. */
const underDomain = (value: string, domain: string) => value === domain || value.endsWith(`.${domain}`);

/** Whether one observed value names a watch item (domains include subdomains; ranges include addresses and smaller ranges). */
export function valueHits(item: WatchItem, observed: ObservedValue): boolean {
  switch (item.kind) {
    case 'domain': {
      const domain = domainOf(item.value);
      switch (observed.kind) {
        case 'domain':
          return underDomain(domainOf(observed.value), domain);
        case 'url': {
          const host = hostOf(observed.value);
          return host !== null && underDomain(host, domain);
        }
        case 'email':
          return underDomain(domainOf(observed.value.slice(observed.value.lastIndexOf('@') + 1)), domain);
        case 'ip':
          return false;
        default:
          return assertNever(observed.kind);
      }
    }
    case 'email-domain': {
      if (observed.kind !== 'email' && observed.kind !== 'domain') return false;
      const domain = domainOf(item.value);
      const host = observed.kind === 'email' ? observed.value.slice(observed.value.lastIndexOf('@') + 1) : observed.value;
      return underDomain(domainOf(host), domain);
    }
    case 'cidr': {
      if (observed.kind !== 'ip') return false;
      const outer = parseCidr(item.value);
      const inner = parseCidr(observed.value.trim());
      return outer !== null && inner !== null && cidrContains(outer, inner);
    }
    case 'url': {
      if (observed.kind !== 'url') return false;
      return normalUrl(observed.value).startsWith(normalUrl(item.value));
    }
    default:
      return assertNever(item.kind);
  }
}

/** A URL compared by its text with the scheme and host in lower case. */
function normalUrl(text: string): string {
  try {
    const u = new URL(text.trim());
    return `${u.protocol}//${u.host.toLowerCase()}${u.pathname}${u.search}`;
  } catch {
    return text.trim().toLowerCase();
  }
}

/** The watch items named by the facts (each once). */
export function watchHits(items: readonly WatchItem[], facts: Facts): WatchItem[] {
  return items.filter((item) => facts.values.some((v) => valueHits(item, v)));
}

function audienceHolds(wanted: readonly string[], facts: Facts, who: Watcher): boolean {
  return wanted.some((w) => {
    switch (w) {
      case 'public':
      case 'community':
        return facts.audience.includes(w);
      case 'my-state':
        return who.stateFips !== null && facts.audience.includes(`state:${who.stateFips}`);
      case 'my-organization':
        return facts.audience.includes(`org:${who.orgId}`);
      case 'me':
        return who.userId !== null && facts.audience.includes(`user:${who.userId}`);
      default:
        return facts.audience.includes(w as `group:${string}`);
    }
  });
}

/** Whether one rule's criteria all hold for the facts; `hits` are the watch items the facts name. */
export function criteriaHold(c: WatchCriteria, facts: Facts, who: Watcher, hits: readonly WatchItem[]): boolean {
  if (c.types !== undefined && !c.types.includes(facts.type)) return false;
  if (c.tlp !== undefined && !c.tlp.includes(facts.tlp)) return false;
  if (c.audience !== undefined && !audienceHolds(c.audience, facts, who)) return false;
  if (c.functions !== undefined && !c.functions.some((f) => facts.functions.includes(f))) return false;
  if (c.asset_types !== undefined && (facts.assetType === null || !(c.asset_types as readonly string[]).includes(facts.assetType))) return false;
  if (c.min_severity !== undefined && severityRank(facts.severity) < severityRank(c.min_severity)) return false;
  if (c.states !== undefined && (facts.stateFips === null || !c.states.includes(facts.stateFips))) return false;
  if (c.status_levels !== undefined && !c.status_levels.some((l) => facts.statusLevels.includes(l))) return false;
  if (c.refs !== undefined && !c.refs.some((r) => facts.refs.includes(r))) return false;
  if (c.keywords !== undefined && !c.keywords.some((k) => facts.text.includes(k.toLowerCase()))) return false;
  if (c.watch_list === true && hits.length === 0) return false;
  return true;
}

/** The standard rules for a kind of organization (issue 12), applied unless its notification plan turns them off. */
export function standardRules(kind: OrgKind, stateFips: string | null): Rule[] {
  const watchList: Rule = { id: 'standard:watch-list', name: 'Anything naming our watched domains, IP addresses or web addresses', criteria: { watch_list: true }, email: 'immediate', userId: null };
  switch (kind) {
    case 'local':
      return stateFips === null
        ? [watchList]
        : [{ id: 'standard:state-incidents', name: 'Incidents in our state', criteria: { types: ['incident'], states: [stateFips] }, email: 'digest', userId: null }, watchList];
    case 'state':
    case 'territory':
      return stateFips === null
        ? [watchList]
        : [
            { id: 'standard:state-incidents-status', name: 'Incidents and status changes in our state', criteria: { types: ['incident', STATUS_REPORT_TYPE], states: [stateFips] }, email: 'immediate', userId: null },
            watchList,
          ];
    case 'federal':
    case 'isac':
    case 'private':
      return [watchList];
    default:
      return assertNever(kind);
  }
}

/** A plan's contacts as stored (JSON by kind), every kind present; a kind never set has no contacts. */
export function planContacts(json: string): Record<AlertKind, KindContacts> {
  const stored = JSON.parse(json) as Partial<Record<string, unknown>>;
  const out = {} as Record<AlertKind, KindContacts>;
  // Read back through the schema the plan was written with: it makes the people's ids (a kind it refuses names nobody).
  for (const kind of ALERT_KINDS) {
    const contacts = stored[kind];
    out[kind] = Value.Check(KindContactsSchema, contacts) ? { primary: [...contacts.primary], backup: [...contacts.backup] } : { primary: [], backup: [] };
  }
  return out;
}

/** Plain words for each kind of alert, in messages and the UI. */
export const ALERT_KIND_WORDS: Record<AlertKind, string> = { incident: 'incidents', status: 'status changes', 'watch-list': 'watch-list hits', other: 'other alerts', support: 'support requests' };

/** The kinds an alert about this version is of, for the organization whose watch list it hit (or not). */
export function alertKinds(type: string, watchListHit: boolean): AlertKind[] {
  const kinds: AlertKind[] = [];
  if (type === 'incident') kinds.push('incident');
  if (type === STATUS_REPORT_TYPE) kinds.push('status');
  if (watchListHit) kinds.push('watch-list');
  if (kinds.length === 0) kinds.push('other');
  return kinds;
}

/** The kinds recorded on an alert row; an alert from before plans had kinds (null) counts as every kind of alert about an object. */
export function kindsOfRow(json: string | null): readonly AlertKind[] {
  // Alerts before kinds were recorded were all about shared objects, never support requests.
  if (json === null) return ALERT_KINDS.filter((k) => k !== 'support');
  const parsed = JSON.parse(json) as unknown;
  return Array.isArray(parsed) ? ALERT_KINDS.filter((k) => parsed.includes(k)) : ALERT_KINDS;
}
