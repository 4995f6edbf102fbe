import type { Organization } from '../domain/organization.ts';
import type { OrgKind } from '../domain/organization.ts';
import { inDisplayOrder, type Jurisdiction } from './rollup.ts';
import type { JurisdictionsPort } from './service.ts';

const JURISDICTION_KINDS: readonly OrgKind[] = ['state', 'territory', 'local'];

/**
 * The JurisdictionsPort over the organizations the hub knows: each state's (or territory's) election
 * office and its local election offices. Organizations change rarely and the roll-up asks on every
 * read, so the list is kept for `ttlMs` (a new county shows within that time), each state's already in
 * display order (inDisplayOrder).
 */
export function jurisdictionsFrom(accounts: { listOrganizations(filter: { readonly kinds: readonly OrgKind[] }): Promise<Organization[]> }, clock: { now(): Date }, ttlMs = 30_000): JurisdictionsPort {
  let cached: { at: number; byState: Promise<Map<string, Jurisdiction[]>>; joined: Map<string, Jurisdiction[]> } | null = null;
  // The last reading's jurisdictions by id: one unchanged since is given as the same object, so the roll-ups built over
  // it (compared object for object, rollup-cache.ts sameJurisdictions, rollup.ts StatePart) still hold after a reading.
  let known = new Map<string, Jurisdiction>();
  const load = async () => {
    const byState = new Map<string, Jurisdiction[]>();
    const next = new Map<string, Jurisdiction>();
    for (const o of await accounts.listOrganizations({ kinds: JURISDICTION_KINDS })) {
      if (o.state_fips === null || (o.kind !== 'state' && o.kind !== 'territory' && o.kind !== 'local')) continue;
      const list = byState.get(o.state_fips) ?? [];
      const before = known.get(o.id);
      const j = before !== undefined && before.name === o.name && before.kind === o.kind && before.stateFips === o.state_fips && before.countyFips === o.county_fips ? before : { id: o.id, name: o.name, kind: o.kind, stateFips: o.state_fips, countyFips: o.county_fips };
      next.set(o.id, j);
      list.push(j);
      byState.set(o.state_fips, list);
    }
    known = next;
    for (const [fips, list] of byState) byState.set(fips, inDisplayOrder(list));
    return byState;
  };
  return async (stateFips) => {
    const now = clock.now().getTime();
    if (cached === null || now - cached.at > ttlMs || now < cached.at) {
      // One reading for every request that finds the list out of date at once, not one each.
      const reading = { at: now, byState: load(), joined: new Map<string, Jurisdiction[]>() };
      cached = reading;
      reading.byState.catch(() => {
        if (cached === reading) cached = null;
      });
    }
    const reading = cached;
    const byState = await reading.byState;
    if (stateFips.length === 1) return byState.get(stateFips[0] ?? '') ?? [];
    // Several states (a national roll-up: every state's 3,000-odd offices): joined once per reading, the same list each time.
    const key = stateFips.join(',');
    let joined = reading.joined.get(key);
    if (joined === undefined) {
      joined = stateFips.flatMap((f) => byState.get(f) ?? []);
      if (reading.joined.size >= 100) reading.joined.clear();
      reading.joined.set(key, joined);
    }
    return joined;
  };
}
