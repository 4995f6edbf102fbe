import type { AudienceKey } from '../domain/audience.ts';
import type { Tlp } from '../domain/tlp.ts';
import { comparisonsOf, parsePattern } from '../stix/pattern/index.ts';
import { RAMPART_EXTENSION_ID, STATUS_REPORT_TYPE } from '../stix/rampart-extension.ts';

/** What watch rules and watch lists look at in one object version (read from its own JSON only). */
export interface Facts {
  readonly type: string;
  readonly tlp: Tlp;
  readonly audience: readonly AudienceKey[];
  readonly functions: readonly string[];
  readonly assetType: string | null;
  readonly severity: string | null;
  /** The state it concerns: the extension's state_fips, else the state of the jurisdiction a status report is about. */
  readonly stateFips: string | null;
  /** Status levels a status report gives its functions. */
  readonly statusLevels: readonly string[];
  /** Every id it points at (`*_ref`, `*_refs`). */
  readonly refs: readonly string[];
  /** Name, description and other free text, lower-case. */
  readonly text: string;
  /** Observable values it names: from an indicator's pattern, an observable's value, and its text. */
  readonly values: readonly ObservedValue[];
  /** Urgent: a status report with a function disrupted or compromised, or an incident of high or critical severity. */
  readonly urgent: boolean;
}

export type ObservedValue = { readonly kind: 'domain' | 'ip' | 'email' | 'url'; readonly value: string };

const URGENT_LEVELS: ReadonlySet<string> = new Set(['disrupted', 'compromise-confirmed']);
const URGENT_SEVERITIES: ReadonlySet<string> = new Set(['high', 'critical']);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Every `*_ref` / `*_refs` value of an object, nested ones included (granular markings aside). */
function refsIn(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 8 || !isRecord(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'object_marking_refs' || key === 'granular_markings') continue;
    if (key.endsWith('_ref') && typeof v === 'string') out.add(v);
    else if (key.endsWith('_refs') && Array.isArray(v)) for (const r of v) if (typeof r === 'string') out.add(r);
    else if (isRecord(v)) refsIn(v, out, depth + 1);
  }
}

const PATH_KINDS: Readonly<Record<string, ObservedValue['kind']>> = {
  'domain-name': 'domain',
  'ipv4-addr': 'ip',
  'ipv6-addr': 'ip',
  url: 'url',
  'email-addr': 'email',
};

/** The values an indicator's STIX pattern compares `value` properties of observables with (=, IN). */
export function patternValues(pattern: string): ObservedValue[] {
  const parsed = parsePattern(pattern);
  if (!parsed.ok) return [];
  const out: ObservedValue[] = [];
  for (const c of comparisonsOf(parsed.value)) {
    const kind = PATH_KINDS[c.path.objectType];
    const first = c.path.steps[0];
    if (kind === undefined || first?.kind !== 'key' || first.key !== 'value' || c.negated) continue;
    const literals = c.value.kind === 'set' ? c.value.values : [c.value];
    if (c.operator !== '=' && c.operator !== 'IN' && c.operator !== 'ISSUBSET') continue;
    for (const literal of literals) if (literal.kind === 'string') out.push({ kind, value: literal.value });
  }
  return out;
}

// Values people write in incident text: URLs, email addresses, IPv4 addresses and domain names.
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"')\]]+/gi;
const EMAIL_IN_TEXT = /\b[a-z0-9._%+-]+@([a-z0-9-]+\.)+[a-z]{2,}\b/gi;
const IPV4_IN_TEXT = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?:\/\d{1,2})?\b/g;
const DOMAIN_IN_TEXT = /\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}\b/gi;

/** Observable values written in free text (a defanged `example[.]com` is read as `example.com`). */
export function textValues(text: string): ObservedValue[] {
  const plain = text.replace(/\[\.\]/g, '.').replace(/hxxp/gi, 'http');
  const out: ObservedValue[] = [];
  for (const m of plain.matchAll(URL_IN_TEXT)) out.push({ kind: 'url', value: m[0].replace(/[.,;:]+$/, '') });
  for (const m of plain.matchAll(EMAIL_IN_TEXT)) out.push({ kind: 'email', value: m[0] });
  for (const m of plain.matchAll(IPV4_IN_TEXT)) out.push({ kind: 'ip', value: m[0] });
  const withoutEmails = plain.replace(EMAIL_IN_TEXT, ' ');
  for (const m of withoutEmails.matchAll(DOMAIN_IN_TEXT)) out.push({ kind: 'domain', value: m[0] });
  return out;
}

export interface FactsInput {
  readonly type: string;
  readonly json: string;
  readonly sharing: { readonly tlp: Tlp; readonly audience: readonly AudienceKey[] };
}

/** The facts of one version; `stateOfOrg` gives the state of the jurisdiction a status report names. */
export function factsOf(version: FactsInput, stateOfOrg: (id: string) => string | null): Facts {
  let object: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(version.json);
    if (isRecord(parsed)) object = parsed;
  } catch {
    // Stored versions were validated on the way in; an unreadable one simply has no facts but its type.
  }
  const extensions = isRecord(object['extensions']) ? object['extensions'] : {};
  const ext = isRecord(extensions[RAMPART_EXTENSION_ID]) ? extensions[RAMPART_EXTENSION_ID] : {};
  const functions = new Set<string>();
  const statusLevels = new Set<string>();
  for (const f of Array.isArray(ext['election_functions']) ? ext['election_functions'] : []) if (typeof f === 'string') functions.add(f);
  // A status report carries its functions and their levels at the top level (new SDO), or in the extension.
  const statusMap = isRecord(object['functions']) ? object['functions'] : isRecord(ext['functions']) ? ext['functions'] : null;
  if (version.type === STATUS_REPORT_TYPE && statusMap !== null) {
    for (const [fn, level] of Object.entries(statusMap)) {
      functions.add(fn);
      if (typeof level === 'string') statusLevels.add(level);
      else if (isRecord(level) && typeof level['level'] === 'string') statusLevels.add(level['level']);
    }
  }
  if (version.type === STATUS_REPORT_TYPE && typeof object['status'] === 'string') statusLevels.add(object['status']);
  const jurisdiction = str(object['jurisdiction_ref']);
  const stateFips = str(ext['state_fips']) ?? str(object['state_fips']) ?? (jurisdiction === null ? null : stateOfOrg(jurisdiction));
  const refs = new Set<string>();
  refsIn(object, refs);
  const textParts = ['name', 'description', 'content', 'explanation', 'abstract', 'summary'].map((k) => str(object[k])).filter((s): s is string => s !== null);
  for (const alias of Array.isArray(object['aliases']) ? object['aliases'] : []) if (typeof alias === 'string') textParts.push(alias);
  const text = textParts.join('\n');
  const values: ObservedValue[] = [];
  const pattern = str(object['pattern']);
  if (pattern !== null && (object['pattern_type'] === undefined || object['pattern_type'] === 'stix')) values.push(...patternValues(pattern));
  const scoKind = PATH_KINDS[version.type];
  const scoValue = str(object['value']);
  if (scoKind !== undefined && scoValue !== null) values.push({ kind: scoKind, value: scoValue });
  values.push(...textValues(text));
  const severity = str(ext['severity']);
  const urgent = [...statusLevels].some((l) => URGENT_LEVELS.has(l)) || (version.type === 'incident' && severity !== null && URGENT_SEVERITIES.has(severity));
  return {
    type: version.type,
    tlp: version.sharing.tlp,
    audience: version.sharing.audience,
    functions: [...functions],
    assetType: str(ext['asset_type']),
    severity,
    stateFips,
    statusLevels: [...statusLevels],
    refs: [...refs],
    text: text.toLowerCase(),
    values,
    urgent,
  };
}
