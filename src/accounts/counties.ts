import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { stateByFips } from '../domain/organization-data.ts';
import { checkOrganization, organizationId, type NewOrganization, type Organization } from '../domain/organization.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { AccountsContext } from './context.ts';
import { SEED_TIMESTAMP, writeIdentities } from './organizations.ts';

/** The part of us-atlas's counties-10m.json (Census cartographic boundaries) that names counties. */
const CountiesTopology = Type.Object({
  objects: Type.Object({
    counties: Type.Object({
      geometries: Type.Array(Type.Object({ id: Type.String({ pattern: '^\\d{5}$' }), properties: Type.Object({ name: Type.String({ minLength: 1 }) }) })),
    }),
  }),
});

export interface CountyRecord {
  readonly fips: string;
  readonly name: string;
}

/** Every county (and county-equivalent) in the packaged Census data, by FIPS code. */
export async function packagedCounties(): Promise<CountyRecord[]> {
  const file = createRequire(import.meta.url).resolve('us-atlas/counties-10m.json');
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Value.Check(CountiesTopology, parsed)) throw new Error(`${file} is not the us-atlas counties topology`);
  return parsed.objects.counties.geometries.map((g) => ({ fips: g.id, name: g.properties.name })).sort((a, b) => a.fips.localeCompare(b.fips));
}

/** "Dane County, WI", "Orleans Parish, LA", "Richmond city, VA": the office's usual name, not the bare Census one. */
export function countyOfficeName(county: CountyRecord): string {
  const state = stateByFips(county.fips.slice(0, 2));
  const postal = state?.postal ?? county.fips.slice(0, 2);
  const code = Number(county.fips.slice(2));
  let name: string;
  switch (postal) {
    case 'LA':
      name = `${county.name} Parish`;
      break;
    case 'AK':
    case 'AS':
    case 'GU':
    case 'MP':
    case 'VI':
      name = county.name;
      break;
    case 'PR':
      name = `${county.name} Municipio`;
      break;
    default:
      // Independent cities (Virginia's 5xx, Baltimore, St. Louis, Carson City) are cities, not counties.
      name = code >= 510 && ['VA', 'MD', 'MO', 'NV'].includes(postal) ? `${county.name} city` : `${county.name} County`;
  }
  return `${name}, ${postal}`;
}

export interface LoadCountiesOptions {
  /** Only the counties of this state (two-digit FIPS). */
  readonly stateFips?: string;
  readonly onProgress?: (done: number, total: number) => void;
  readonly counties?: readonly CountyRecord[];
}

const CHUNK = 250;

/** Loads counties as local election jurisdictions (idempotent: counties already there are kept as they are). */
export async function loadCounties(ctx: AccountsContext, options: LoadCountiesOptions = {}): Promise<Result<{ added: number; total: number }, Problem>> {
  const { stateFips } = options;
  if (stateFips !== undefined && stateByFips(stateFips) === undefined) {
    return err(problem('invalid', 'unknown-state', `${stateFips} is not a state or territory FIPS code (two digits, e.g. 55 for Wisconsin).`));
  }
  const all = options.counties ?? (await packagedCounties());
  const chosen = all.filter((c) => stateFips === undefined || c.fips.startsWith(stateFips));
  const orgs: Organization[] = [];
  for (const county of chosen) {
    const input: NewOrganization = { kind: 'local', name: countyOfficeName(county), state_fips: county.fips.slice(0, 2), county_fips: county.fips };
    const checked = checkOrganization(input);
    if (!checked.ok) return err(problem('invalid', checked.error.code, `county ${county.fips}: ${checked.error.message}`));
    orgs.push({ id: organizationId(input), kind: 'local', name: input.name, short_name: null, state_fips: input.state_fips ?? null, county_fips: county.fips, ocd_id: null, partner_type: null, seed: true, require_totp: false, created_at: SEED_TIMESTAMP });
  }
  const known = new Set((await ctx.accounts.listOrganizations({ kind: 'local', ...(stateFips === undefined ? {} : { stateFips }) })).map((o) => o.county_fips));
  const missing = orgs.filter((o) => !known.has(o.county_fips));
  let added = 0;
  options.onProgress?.(orgs.length - missing.length, orgs.length);
  for (let i = 0; i < missing.length; i += CHUNK) {
    const chunk = missing.slice(i, i + CHUNK);
    const written = await writeIdentities(ctx, chunk);
    if (!written.ok) return err(written.error);
    added += await ctx.accounts.insertOrganizations(chunk);
    options.onProgress?.(orgs.length - missing.length + i + chunk.length, orgs.length);
  }
  // One entry for the whole load (thousands of counties), as each organization added alone gets one.
  if (added > 0) await ctx.emit({ type: 'org-created', at: ctx.clock.now(), orgId: null, userId: null, actor: null, ip: null, detail: `loaded ${added} counties as local election jurisdictions${stateFips === undefined ? '' : ` of state ${stateFips}`}` });
  return ok({ added, total: orgs.length });
}

