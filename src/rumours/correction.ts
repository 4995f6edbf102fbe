import { TypeCompiler } from '@sinclair/typebox/compiler';
import { parseStixId } from '../domain/ids.ts';
import { stateByFips } from '../domain/organization-data.ts';
import { RAMPART_EXTENSION_ID, RumourControlSchema, type RumourControl } from '../stix/rampart-extension.ts';
import type { CorrectionBody, PublicCorrection } from './schemas.ts';

/** The report_types value of a correction (DESIGN.md: rumour control is a `report`). */
export const RUMOUR_CONTROL = 'rumour-control';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const checkRumour = TypeCompiler.Compile(RumourControlSchema);

/** Where a correction's text comes from and when: the parts of its STIX form that are not the official's words. */
export interface CorrectionFrame {
  readonly id: string;
  readonly owner: string;
  readonly created: string;
  readonly modified: string;
  readonly published: string;
  readonly election: { readonly id: string; readonly name: string } | null;
  readonly status: RumourControl['status'];
  readonly withdrawnReason?: string;
}

const trimmed = (s: string): string => s.trim();

/** The STIX report of a correction: name the title, description the reality, the rest under the Rampart extension. */
export function correctionObject(body: CorrectionBody, frame: CorrectionFrame): Record<string, unknown> {
  const law = (body.law_cited ?? []).map(trimmed).filter((l) => l !== '');
  const counties = body.county_fips ?? [];
  const rumour: RumourControl = {
    rumour: body.rumour.trim(),
    reality: body.reality.trim(),
    official_links: body.official_links.map((l) => ({ title: l.title.trim(), url: l.url.trim() })),
    ...(law.length === 0 ? {} : { law_cited: law }),
    state_fips: body.state_fips,
    ...(counties.length === 0 ? {} : { county_fips: [...counties] }),
    ...(frame.election === null ? {} : { election_ref: frame.election.id, election_name: frame.election.name }),
    phase: body.phase,
    status: frame.status,
    ...(frame.withdrawnReason === undefined ? {} : { withdrawn_reason: frame.withdrawnReason }),
  };
  return {
    type: 'report',
    spec_version: '2.1',
    id: frame.id,
    created_by_ref: frame.owner,
    created: frame.created,
    modified: frame.modified,
    name: body.title.trim(),
    description: rumour.reality,
    report_types: [RUMOUR_CONTROL],
    published: frame.published,
    // A report must point at something: the election it concerns, else the publishing office itself.
    object_refs: [frame.election?.id ?? frame.owner],
    extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', state_fips: body.state_fips, rumour_control: rumour } },
  };
}

/** The official's words back out of a stored correction, to write its next version from. */
export function bodyOf(object: Readonly<Record<string, unknown>>, rumour: RumourControl): CorrectionBody {
  const election = rumour.election_ref === undefined ? null : parseStixId(rumour.election_ref);
  return {
    title: typeof object['name'] === 'string' ? object['name'] : rumour.rumour.slice(0, 200),
    rumour: rumour.rumour,
    reality: rumour.reality,
    official_links: rumour.official_links,
    ...(rumour.law_cited === undefined ? {} : { law_cited: rumour.law_cited }),
    state_fips: rumour.state_fips,
    ...(rumour.county_fips === undefined ? {} : { county_fips: rumour.county_fips }),
    ...(election?.ok === true ? { election_id: election.value } : {}),
    phase: rumour.phase,
  };
}

/** The rumour-control part of a stored object, or null when it is not a correction (read back through the schema). */
export function rumourOf(object: Readonly<Record<string, unknown>>): RumourControl | null {
  if (object['type'] !== 'report') return null;
  const types = object['report_types'];
  if (!Array.isArray(types) || !types.includes(RUMOUR_CONTROL)) return null;
  const extensions = object['extensions'];
  const ext = isRecord(extensions) ? extensions[RAMPART_EXTENSION_ID] : undefined;
  const rumour = isRecord(ext) ? ext['rumour_control'] : undefined;
  return checkRumour.Check(rumour) ? rumour : null;
}

/** A correction as the public pages show it; null when the object is not one. */
export function publicCorrection(object: Readonly<Record<string, unknown>>, modified: string | null, publisher: string | null): PublicCorrection | null {
  const rumour = rumourOf(object);
  if (rumour === null) return null;
  const str = (k: string): string | null => (typeof object[k] === 'string' ? object[k] : null);
  const published = str('published') ?? str('created') ?? '';
  return {
    id: str('id') ?? '',
    title: str('name') ?? rumour.rumour,
    rumour: rumour.rumour,
    reality: rumour.reality,
    official_links: rumour.official_links,
    law_cited: rumour.law_cited ?? [],
    state_fips: rumour.state_fips,
    state_name: stateByFips(rumour.state_fips)?.name ?? rumour.state_fips,
    county_fips: rumour.county_fips ?? [],
    election_id: rumour.election_ref ?? null,
    election_name: rumour.election_name ?? null,
    phase: rumour.phase,
    status: rumour.status,
    withdrawn_reason: rumour.withdrawn_reason ?? null,
    published,
    updated: modified ?? published,
    publisher,
  };
}
