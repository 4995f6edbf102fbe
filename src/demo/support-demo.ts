import type { AccountsContext } from '../accounts/context.ts';
import type { SupportService } from '../domain/support.ts';
import type { SupportRepository } from '../store/support.ts';

/** What the demo's providers offer, so the Support page has a catalogue to ask from (descriptions are fictional). */
const DEMO_OFFERINGS: readonly { readonly match: (o: { kind: string; short_name: string | null; state_fips: string | null }) => boolean; readonly services: readonly [SupportService, string][] }[] = [
  {
    match: (o) => o.kind === 'federal' && o.short_name === 'CISA',
    services: [
      ['vulnerability-scanning', 'External scans of election office websites and internet-facing systems, with a weekly report (fictional).'],
      ['phishing-assessment', 'A simulated phishing campaign against your staff and a debrief (fictional).'],
      ['tabletop-exercise', 'A half-day election-security tabletop exercise for your office and partners (fictional).'],
      ['election-cyber-support', 'A point of contact on call for cyber questions during early voting and election day (fictional).'],
    ],
  },
  {
    match: (o) => o.kind === 'state' && o.state_fips === '55',
    services: [
      ['incident-response', 'State IT responders for local election offices, on site within a day (fictional).'],
      ['threat-briefing', 'A briefing on the threats the state sees this election season (fictional).'],
    ],
  },
];

/** Publishes the demo providers' services; safe to repeat (one offering per provider and service). */
export async function seedDemoSupport(ctx: AccountsContext, repo: SupportRepository, now: number): Promise<void> {
  const orgs = await ctx.accounts.listOrganizations();
  for (const { match, services } of DEMO_OFFERINGS) {
    const provider = orgs.find(match);
    if (provider === undefined) continue;
    for (const [service, description] of services) await repo.putOffering({ providerOrg: provider.id, service, description, active: true, updatedAt: now });
  }
}
