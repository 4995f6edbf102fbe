import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import { CONTINGENCIES, CONTINGENCY_TEXT, ELECTION_FUNCTIONS, INCIDENT_CATEGORIES, SEVERITIES, STATUS_LEVELS, type ElectionFunction } from '../../src/domain/election.ts';
import { CATEGORY_LABELS, FUNCTION_LABELS, SEVERITY_LABELS, STATUS_LABELS } from './format.ts';
import { patternInWords } from './pattern-words.ts';
import { placeName } from './states.ts';

/** Report types people read, in words; any other is shown with its hyphens as spaces. */
const REPORT_TYPE_WORDS: Readonly<Record<string, string>> = {
  advisory: 'Advisory',
  'threat-report': 'Threat report',
  'joint-statement': 'Joint statement',
  'rumour-control': 'Rumour control (public correction)',
  'attack-pattern': 'Technique',
  'threat-actor': 'Threat actor',
};

export function reportTypeWords(t: string): string {
  const known = REPORT_TYPE_WORDS[t];
  if (known !== undefined) return known;
  const words = t.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isOneOf = <T extends string>(values: readonly T[], v: unknown): v is T => typeof v === 'string' && (values as readonly string[]).includes(v);

/**
 * The election facts of an object (Rampart extension, status report) as label/value rows. `countyName` names a county
 * by its FIPS code once the county names are loaded; until then, and for a code it does not know, the code is shown.
 */
export function electionFacts(o: Record<string, unknown>, countyName: (fips: string) => string | undefined = () => undefined): [string, string][] {
  const rows: [string, string][] = [];
  const exts = isRecord(o['extensions']) ? o['extensions'] : {};
  const ext = isRecord(exts[RAMPART_EXTENSION_ID]) ? exts[RAMPART_EXTENSION_ID] : {};
  if (isOneOf(INCIDENT_CATEGORIES, ext['incident_category'])) rows.push(['Category', CATEGORY_LABELS[ext['incident_category']]]);
  if (isOneOf(SEVERITIES, ext['severity'])) rows.push(['Severity', SEVERITY_LABELS[ext['severity']]]);
  if (typeof ext['impact'] === 'string') rows.push(['Impact on election operations', ext['impact'].charAt(0).toUpperCase() + ext['impact'].slice(1)]);
  if (typeof ext['voters_affected'] === 'number') rows.push(['Voters affected', ext['voters_affected'].toLocaleString('en-US')]);
  if (typeof ext['polling_places_affected'] === 'number') rows.push(['Polling places affected', ext['polling_places_affected'].toLocaleString('en-US')]);
  const fns = Array.isArray(ext['election_functions']) ? ext['election_functions'].filter((f): f is ElectionFunction => isOneOf(ELECTION_FUNCTIONS, f)) : [];
  if (fns.length > 0) rows.push(['Election functions affected', fns.map((f) => FUNCTION_LABELS[f]).join(', ')]);
  // The extension carries them on an incident; a status report carries them itself.
  const stateFips = ext['state_fips'] ?? o['state_fips'];
  const countyFips = ext['county_fips'] ?? o['county_fips'];
  if (typeof stateFips === 'string') rows.push(['State', placeName(stateFips)]);
  if (typeof countyFips === 'string') rows.push(['County', countyName(countyFips) ?? `County code ${countyFips}`]);
  if (typeof o['election_date'] === 'string') rows.push(['Election date', o['election_date']]);
  if (isRecord(o['functions'])) {
    for (const [fn, level] of Object.entries(o['functions'])) {
      if (!isOneOf(ELECTION_FUNCTIONS, fn)) continue;
      if (isOneOf(STATUS_LEVELS, level)) rows.push([FUNCTION_LABELS[fn], STATUS_LABELS[level]]);
      // A status report's function: {level, note, contingencies, incident_refs} (linked incidents are listed apart).
      else if (isRecord(level) && isOneOf(STATUS_LEVELS, level['level'])) {
        const note = typeof level['note'] === 'string' && level['note'] !== '' ? `: ${level['note']}` : '';
        const instead = Array.isArray(level['contingencies']) ? level['contingencies'].filter((c) => isOneOf(CONTINGENCIES, c)).map((c) => CONTINGENCY_TEXT[c].toLowerCase()) : [];
        rows.push([FUNCTION_LABELS[fn], `${STATUS_LABELS[level['level']]}${note}${instead.length === 0 ? '' : ` (using ${instead.join(', ')})`}`]);
      }
    }
  }
  if (typeof o['summary'] === 'string') rows.push(['Summary', o['summary']]);
  if (Array.isArray(o['report_types'])) {
    const kinds = o['report_types'].filter((t): t is string => typeof t === 'string').map(reportTypeWords);
    if (kinds.length > 0) rows.push([kinds.length === 1 ? 'Kind of report' : 'Kinds of report', kinds.join(', ')]);
  }
  if (typeof o['pattern'] === 'string') {
    const words = o['pattern_type'] === undefined || o['pattern_type'] === 'stix' ? patternInWords(o['pattern']) : null;
    if (words !== null) rows.push(['Looks for', words]);
    rows.push([words === null ? 'Pattern' : 'As a STIX pattern', o['pattern']]);
  }
  return rows;
}

/** The county an object names (its Rampart extension's, or a status report's own), or null. */
export function countyFipsOf(o: Record<string, unknown> | null): string | null {
  if (o === null) return null;
  const exts = isRecord(o['extensions']) ? o['extensions'] : {};
  const ext = isRecord(exts[RAMPART_EXTENSION_ID]) ? exts[RAMPART_EXTENSION_ID] : {};
  const fips = ext['county_fips'] ?? o['county_fips'];
  return typeof fips === 'string' ? fips : null;
}

/** The incidents a status report links, per function, in the report's order. */
export function statusIncidentLinks(o: Record<string, unknown>): { readonly fn: ElectionFunction; readonly ids: readonly string[] }[] {
  if (o['type'] !== 'x-rampart-status-report' || !isRecord(o['functions'])) return [];
  return Object.entries(o['functions']).flatMap(([fn, v]) => {
    if (!isOneOf(ELECTION_FUNCTIONS, fn) || !isRecord(v) || !Array.isArray(v['incident_refs'])) return [];
    const ids = v['incident_refs'].filter((r): r is string => typeof r === 'string');
    return ids.length === 0 ? [] : [{ fn, ids }];
  });
}
