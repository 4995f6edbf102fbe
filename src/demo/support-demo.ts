import { randomUUID } from 'node:crypto';
import type { AccountsContext } from '../accounts/context.ts';
import { organizationId } from '../domain/organization.ts';
import type { SupportService, SupportStatus } from '../domain/support.ts';
import type { SupportRepository } from '../store/support.ts';
import { parseStixId } from '../domain/ids.ts';
import { DEMO_COUNTY_INCIDENT_ID } from './demo-data.ts';
import { DEMO_COUNTY, DEMO_WATCHED_DOMAIN } from './seed-demo.ts';

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

const MINUTE = 60_000;
/** When the village asked its state for responders: 16 h 30 min before the seed, the evening before election day. */
export const DEMO_REQUEST_MINUTES_AGO = 990;

/** Who wrote a demo message: the village's clerk or the provider's person, and how long before the seed. */
interface DemoMessage {
  readonly from: 'requester' | 'provider';
  readonly minutesAgo: number;
  readonly body: string;
}

/**
 * What the demo village asked for after the phishing emails to its poll-worker coordinators (the demo story): the
 * state's responders, accepted and talking it through, and a phishing exercise from CISA, not answered yet. So the
 * clerk, the state analyst and the federal liaison each find a request on their Support page.
 */
const DEMO_REQUESTS: readonly {
  readonly provider: (o: { kind: string; short_name: string | null; state_fips: string | null }) => boolean;
  readonly providerPerson: string;
  readonly service: SupportService;
  readonly title: string;
  readonly details: string;
  readonly urgent: boolean;
  readonly status: SupportStatus;
  readonly minutesAgo: number;
  readonly messages: readonly DemoMessage[];
  /** Asked from the page of the village's phishing incident, so the request and the incident name each other. */
  readonly aboutIncident: boolean;
}[] = [
  {
    provider: (o) => o.kind === 'state' && o.state_fips === '55',
    providerPerson: 'analyst@wi-elections.example',
    service: 'incident-response',
    title: 'Check our clerk’s office workstations after the phishing emails (fictional)',
    details: `Three of our poll-worker coordinators received emails linking to ${DEMO_WATCHED_DOMAIN}; one entered a password before we reset it. Please check the office workstations and the e-pollbook laptop before the polls open tomorrow (fictional).`,
    urgent: true,
    status: 'accepted',
    aboutIncident: true,
    // The evening before election day, once the county had reported the incident (demo-data.ts: its story time is at
    // least 16 h 45 min before the seed, since election day began seven whole hours before it).
    minutesAgo: DEMO_REQUEST_MINUTES_AGO,
    messages: [
      { from: 'provider', minutesAgo: DEMO_REQUEST_MINUTES_AGO - 30, body: 'Accepted. A state responder will be at the clerk’s office first thing tomorrow, before the polls open, to check the workstations and the e-pollbook laptop (fictional).' },
      { from: 'requester', minutesAgo: DEMO_REQUEST_MINUTES_AGO - 45, body: 'Thank you. I will be at the office an hour before the polls open; ask for the clerk at the front desk (fictional).' },
    ],
  },
  {
    provider: (o) => o.kind === 'federal' && o.short_name === 'CISA',
    providerPerson: 'liaison@cisa-demo.example',
    service: 'phishing-assessment',
    title: 'Phishing exercise for our poll workers after the election (fictional)',
    details: 'After this month’s phishing emails we would like a simulated phishing campaign for our staff and poll-worker coordinators, with a debrief, once the canvass is done (fictional).',
    urgent: false,
    status: 'requested',
    aboutIncident: false,
    minutesAgo: 45,
    messages: [],
  },
];

/**
 * Publishes the demo providers' services, then, the first time the demo village has no request, its requests; safe to
 * repeat (one offering per provider and service; the requests only while the village has none).
 */
export async function seedDemoSupport(ctx: AccountsContext, repo: SupportRepository, now: number): Promise<void> {
  const orgs = await ctx.accounts.listOrganizations();
  for (const { match, services } of DEMO_OFFERINGS) {
    const provider = orgs.find(match);
    if (provider === undefined) continue;
    for (const [service, description] of services) await repo.putOffering({ providerOrg: provider.id, service, description, active: true, updatedAt: now });
  }
  const village = orgs.find((o) => o.id === organizationId(DEMO_COUNTY));
  if (village === undefined || (await repo.requestsFor(village.id, 1)).length > 0) return;
  const clerk = await ctx.accounts.userByEmail('clerk@demoville.example');
  const parsed = parseStixId(DEMO_COUNTY_INCIDENT_ID);
  const incident = parsed.ok ? parsed.value : null;
  for (const r of DEMO_REQUESTS) {
    const provider = orgs.find(r.provider);
    if (provider === undefined) continue;
    const person = await ctx.accounts.userByEmail(r.providerPerson);
    const id = randomUUID();
    const at = now - r.minutesAgo * MINUTE;
    await repo.addRequest({ id, requesterOrg: village.id, providerOrg: provider.id, service: r.service, title: r.title, details: r.details, urgent: r.urgent, status: 'requested', scheduledFor: null, createdBy: clerk?.id ?? null, createdAt: at, updatedAt: at, incidentId: r.aboutIncident ? incident : null });
    for (const m of r.messages) {
      const requester = m.from === 'requester';
      await repo.addMessage({ id: randomUUID(), requestId: id, authorOrg: requester ? village.id : provider.id, authorUser: (requester ? clerk : person)?.id ?? null, body: m.body, at: now - m.minutesAgo * MINUTE });
    }
    if (r.status !== 'requested') await repo.setStatus(id, r.status, null, now - (r.messages[0]?.minutesAgo ?? 0) * MINUTE);
  }
}
