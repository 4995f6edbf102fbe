import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR } from '../accounts/context.ts';
import { createOrganization } from '../accounts/organizations.ts';
import { supportRepository } from '../store/support.ts';
import { composedHub, type ComposedHub } from '../../test/helpers/composed-hub.ts';
import { DEMO_COUNTY_INCIDENT_ID, demoItems } from './demo-data.ts';
import { demoElectionDayStart } from './election-demo.ts';
import { DEMO_COUNTY } from './seed-demo.ts';
import { seedDemoSupport } from './support-demo.ts';

describe('the demo catalogue of support services', () => {
  let h: ComposedHub;
  beforeAll(async () => {
    h = await composedHub();
  });
  afterAll(async () => {
    await h.close();
  });

  it('offers CISA’s and Wisconsin’s services, once however often it runs', async () => {
    const repo = supportRepository(h.store.database);
    await seedDemoSupport(h.hub.auth.context, repo, 1);
    await seedDemoSupport(h.hub.auth.context, repo, 2);
    const offered = await repo.offerings({ activeOnly: true });
    const wisconsin = await h.state('55');
    expect(offered.filter((o) => o.providerOrg === wisconsin).map((o) => o.service)).toEqual(['incident-response', 'threat-briefing']);
    expect(offered).toHaveLength(6);
  });

  it('has the demo village ask its state and CISA for help after the phishing emails, once however often it runs', async () => {
    const repo = supportRepository(h.store.database);
    const village = await createOrganization(h.hub.auth.context, OPERATOR, DEMO_COUNTY);
    if (!village.ok) throw new Error(village.error.message);
    const now = Date.UTC(2026, 10, 3, 15);
    await seedDemoSupport(h.hub.auth.context, repo, now);
    await seedDemoSupport(h.hub.auth.context, repo, now + 60_000);
    const asked = await repo.requestsFor(village.value.id, 10);
    expect(asked.map((r) => [r.service, r.status, r.urgent, r.incidentId])).toEqual([
      ['phishing-assessment', 'requested', false, null],
      // Asked from the page of the village's phishing incident, which it shares with its state.
      ['incident-response', 'accepted', true, DEMO_COUNTY_INCIDENT_ID],
    ]);
    const wisconsin = await h.state('55');
    const [stateSees] = await repo.requestsFor(wisconsin, 10);
    expect(stateSees?.title).toMatch(/phishing emails/);
    expect((await repo.messages(stateSees?.id ?? '')).map((m) => m.authorOrg)).toEqual([wisconsin, village.value.id]);
    expect(asked.every((r) => r.title.endsWith('(fictional)') && r.details.endsWith('(fictional).'))).toBe(true);
    // In the story's time: the state's responders were asked for after the county reported its incident and answered
    // before election day began; the request to CISA is of election day.
    const start = demoElectionDayStart(new Date(now)).getTime();
    for (const seeded of [now, now + 59 * 60_000]) {
      const s = demoElectionDayStart(new Date(seeded)).getTime();
      const reported = demoItems({ state: { id: wisconsin, fips: '55' }, county: { id: village.value.id }, otherState: { id: wisconsin, fips: '17' }, federal: { id: wisconsin } }, new Date(s)).find((i) => i.object['type'] === 'incident' && i.owner === village.value.id);
      expect(Date.parse(String(reported?.object['created']))).toBeLessThan(seeded - 990 * 60_000);
    }
    expect(stateSees?.createdAt).toBeGreaterThan(start - 10 * 3_600_000);
    expect(stateSees?.createdAt).toBeLessThan(start);
    expect(Math.max(...(await repo.messages(stateSees?.id ?? '')).map((m) => m.at))).toBeLessThan(start);
    expect(asked[0]?.createdAt).toBeGreaterThan(start);
  });
});
