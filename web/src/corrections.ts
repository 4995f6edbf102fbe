import { RAMPART_EXTENSION_ID } from '../../src/stix/rampart-extension.ts';
import type { ApiBody, ApiResponse } from './api.ts';

export type PublicCorrections = ApiResponse<'/api/v1/public/corrections'>;
export type PublicCorrection = ApiResponse<'/api/v1/public/corrections/{id}'>;
export type PublicNotices = ApiResponse<'/api/v1/public/notices'>;

/** The phase of a correction in words for the public. */
export const PHASE_WORDS: Readonly<Record<PublicCorrection['phase'], string>> = {
  before: 'Before voting',
  during: 'While voting is under way',
  after: 'After voting (counting and certification)',
};

/** What an official types, before it becomes the API's correction body. */
export interface CorrectionDraft {
  title: string;
  rumour: string;
  reality: string;
  links: { title: string; url: string }[];
  law: string;
  stateFips: string;
  counties: string;
  electionId: string;
  phase: PublicCorrection['phase'];
}

export function emptyDraft(stateFips: string | null): CorrectionDraft {
  return { title: '', rumour: '', reality: '', links: [{ title: '', url: '' }], law: '', stateFips: stateFips ?? '', counties: '', electionId: '', phase: 'before' };
}

/** The draft as the API's body: empty rows and lines left out, counties split on commas or spaces. */
export function correctionBody(draft: CorrectionDraft): ApiBody<'/api/v1/corrections', 'post'> {
  const law = draft.law.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const counties = draft.counties.split(/[\s,;]+/).map((c) => c.trim()).filter((c) => c !== '');
  return {
    title: draft.title.trim(),
    rumour: draft.rumour.trim(),
    reality: draft.reality.trim(),
    official_links: draft.links.map((l) => ({ title: l.title.trim(), url: l.url.trim() })).filter((l) => l.title !== '' || l.url !== ''),
    ...(law.length === 0 ? {} : { law_cited: law }),
    state_fips: draft.stateFips,
    ...(counties.length === 0 ? {} : { county_fips: counties }),
    ...(draft.electionId === '' ? {} : { election_id: draft.electionId }),
    phase: draft.phase,
  };
}

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Whether an incident is a false rumour or disinformation (so that it can be answered with a public correction). */
export function isRumourIncident(o: Record<string, unknown>): boolean {
  return o['type'] === 'incident' && record(record(o['extensions'])[RAMPART_EXTENSION_ID])['incident_category'] === 'influence';
}

/**
 * A draft answering a false-rumour incident: the rumour as reported, its state and county. The headline, the
 * reality and the official pages are the writer's to give; the preview shows everything before it is public.
 */
export function draftFromIncident(o: Record<string, unknown>, stateFips: string | null): CorrectionDraft {
  const ext = record(record(o['extensions'])[RAMPART_EXTENSION_ID]);
  const state = typeof ext['state_fips'] === 'string' ? ext['state_fips'] : stateFips;
  const county = typeof ext['county_fips'] === 'string' && state !== null && ext['county_fips'].startsWith(state) ? ext['county_fips'] : '';
  return { ...emptyDraft(state), rumour: typeof o['description'] === 'string' ? o['description'].slice(0, 2000) : '', counties: county };
}

/** A published correction back into a draft, to write its next version. */
export function draftOf(c: PublicCorrection): CorrectionDraft {
  return {
    title: c.title,
    rumour: c.rumour,
    reality: c.reality,
    links: c.official_links.map((l) => ({ ...l })),
    law: c.law_cited.join('\n'),
    stateFips: c.state_fips,
    counties: c.county_fips.join(', '),
    electionId: c.election_id ?? '',
    phase: c.phase,
  };
}

/** What to fix before the draft can be previewed, in plain words, keyed by the field it concerns. */
export function draftIssues(draft: CorrectionDraft): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  if (draft.title.trim() === '') issues.push({ field: 'title', message: 'Give the correction a short headline.' });
  if (draft.rumour.trim() === '') issues.push({ field: 'rumour', message: 'Write the rumour as people are hearing it.' });
  if (draft.reality.trim() === '') issues.push({ field: 'reality', message: 'Write what is true.' });
  const links = draft.links.filter((l) => l.title.trim() !== '' || l.url.trim() !== '');
  if (links.length === 0) issues.push({ field: 'links', message: 'Add at least one official page where people can check the facts.' });
  for (const l of links) {
    if (l.title.trim() === '') issues.push({ field: 'links', message: `Give the page ${l.url.trim()} a name people will recognise.` });
    if (!l.url.trim().startsWith('https://') || /\s/.test(l.url.trim())) issues.push({ field: 'links', message: `The address of "${l.title.trim() || 'a link'}" must be a secure web address starting with https://.` });
  }
  if (draft.stateFips === '') issues.push({ field: 'state', message: 'Choose the state the correction concerns.' });
  const counties = draft.counties.split(/[\s,;]+/).filter((c) => c !== '');
  for (const c of counties) {
    if (!/^\d{5}$/.test(c)) issues.push({ field: 'counties', message: `"${c}" is not a county code; county codes have five digits, for example 55025 for Dane County.` });
    else if (draft.stateFips !== '' && !c.startsWith(draft.stateFips)) issues.push({ field: 'counties', message: `County ${c} is not in the state you chose.` });
  }
  return issues;
}

/** The relationship from a correction to the false-rumour incident it answers (src/rumours/service.ts ANSWERS). */
export const ANSWERS = 'answers';

type Connections = ApiResponse<'/api/v1/objects/{id}/connections'>;

/**
 * From an item's connections, the items linked to it by "answers" that the reader may see: from an incident, the corrections
 * that answer it (`in`); from a correction, the incident it answers (`out`). What is not shared with the reader is left out.
 */
export function answerLinks(connections: Connections, direction: 'in' | 'out'): { readonly id: string; readonly title: string }[] {
  const out: { id: string; title: string }[] = [];
  for (const r of connections.referred_by) {
    const rel = r.relationship;
    if (rel === null || rel.type !== ANSWERS || rel.direction !== direction || !rel.other.shared) continue;
    out.push({ id: rel.other.id, title: rel.other.title ?? (direction === 'in' ? 'Untitled correction' : 'Untitled incident') });
  }
  return out;
}

/**
 * The button on a false-rumour incident: "another" once the reader sees a correction answering it, so no one takes the
 * button for a sign the rumour is still unanswered.
 */
export function writeCorrectionWords(answeredBy: number): string {
  return answeredBy === 0 ? 'Write a public correction' : 'Write another public correction';
}
