import { describe, expect, it } from 'vitest';
import { demoItems, type DemoOrgs } from '../src/demo/demo-data.ts';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { OrgId } from '../src/domain/ids.ts';
import { importObjects } from '../src/ingest/import.ts';
import type { Reader } from '../src/store/types.ts';
import { OPERATOR, freshStores, member } from './helpers/stix-kit.ts';
import { testDialects } from './helpers/store.ts';

const orgs: DemoOrgs = {
  state: { id: 'identity--11111111-1111-4111-8111-111111111111' as OrgId, fips: '55' },
  county: { id: 'identity--22222222-2222-4222-8222-222222222222' as OrgId },
  otherState: { id: 'identity--33333333-3333-4333-8333-333333333333' as OrgId, fips: '17' },
  federal: { id: 'identity--44444444-4444-4444-8444-444444444444' as OrgId },
};
const HUB = 'identity--55555555-5555-4555-8555-555555555555' as OrgId;
const keys = (org: OrgId, fips: string): readonly AudienceKey[] => ['community', `org:${org}`, `state:${fips}`] as AudienceKey[];
const COUNTY = member(orgs.county.id, keys(orgs.county.id, '55'));
const OTHER_STATE = member(orgs.otherState.id, keys(orgs.otherState.id, '17'));

describe.each(testDialects())('searching the demo story on %s', (dialect) => {
  const fresh = freshStores(dialect);

  async function demoStore() {
    const { store } = await fresh();
    for (const item of demoItems(orgs)) {
      const imported = await importObjects(store.stix, [JSON.stringify(item.object)], { hubOwner: HUB, owner: item.owner, tlp: item.tlp, audience: item.audience, onConflict: 'replace' });
      if (!imported.ok || imported.value.rejections.length > 0) throw new Error(`demo import failed: ${JSON.stringify(imported)}`);
    }
    const names = new Map(demoItems(orgs).map((i) => [i.object['id'] as string, String(i.object['name'] ?? i.object['type'])]));
    const search = async (reader: Reader, q: string) => {
      const page = await store.stix.list(reader, { limit: 100, text: q });
      if (!page.ok) throw new Error(page.error.message);
      return page.value.items.map((v) => names.get(v.id) ?? v.id).sort();
    };
    return { store, search };
  }

  it("finds the command-and-control address's indicator by the address and by its block", async () => {
    const { search } = await demoStore();
    const c2 = ['Command-and-control address (documentation range) (fictional)'];
    expect(await search(COUNTY, '203.0.113.47')).toEqual(c2);
    expect(await search(COUNTY, '203.0.113.0/24')).toEqual(c2);
    expect(await search(OTHER_STATE, '203.0.113.47')).toEqual(c2);
    expect(await search(COUNTY, '203.0.113.48')).toEqual([]);
  });

  it('finds the phishing domain in the three indicators that name it and, for those it was shared with, the incident', async () => {
    const { search } = await demoStore();
    const indicators = ['Credential harvesting page (fictional)', 'Phishing domain impersonating a state voter portal (fictional)', 'Spoofed support sender (fictional)'];
    const incident = 'Phishing emails to poll-worker coordinators (fictional)';
    expect(await search(COUNTY, 'ballot-update-portal.example')).toEqual([...indicators, incident].sort());
    expect(await search(OPERATOR, 'ballot-update-portal.example')).toEqual([...indicators, incident].sort());
    // The incident is shared with state 55 only: another state never finds it, though its text names the domain.
    expect(await search(OTHER_STATE, 'ballot-update-portal.example')).toEqual(indicators);
    expect(await search(OTHER_STATE, 'poll-worker coordinators')).toEqual([]);
    expect(await search(COUNTY, 'clerk-support@ballot-update-portal.example')).toEqual(['Spoofed support sender (fictional)']);
  });
});
