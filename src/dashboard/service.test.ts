import { describe, expect, it } from 'vitest';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import { ok } from '../domain/result.ts';
import type { Tlp } from '../domain/tlp.ts';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import type { Reader, Sharing, StixStore } from '../store/types.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { remoteOwnerId } from '../domain/remote-owner.ts';
import { dashboardFor, incidentState } from './service.ts';

const org = (n: number) => `identity--00000000-0000-4000-8000-00000000000${n}` as OrgId;
const COUNTY = org(1); // in state 55
const STATE = org(2); // state office of 55
const OTHER = org(3); // another state's office, 17
const FEDERAL = org(4);

const member = (orgId: OrgId, keys: readonly AudienceKey[]): Reader => ({ kind: 'member', orgId, userId: 'a0000000-0000-4000-8000-000000000001' as UserId, keys: [`org:${orgId}`, 'community', ...keys] });
const countyReader = member(COUNTY, ['state:55']);
const otherReader = member(OTHER, ['state:17']);

/** The store contract's visibility rule, applied over the in-memory store (an independent oracle of src/store). */
function sees(reader: Reader, sharing: Sharing): boolean {
  switch (reader.kind) {
    case 'operator':
      return true;
    case 'public':
      return sharing.audience.includes('public');
    case 'member':
      return sharing.owner === reader.orgId || sharing.audience.some((k) => reader.keys.includes(k));
    case 'audience':
      return sharing.audience.some((k) => reader.keys.includes(k));
  }
}

function visibilityStore(): StixStore {
  const inner = memoryStixStore();
  return {
    ...inner,
    get: async (reader, id) => {
      const v = await inner.get(reader, id);
      return v !== null && sees(reader, v.sharing) ? v : null;
    },
    list: (reader, q) => {
      const rows = inner.rows().filter((r) => r.isLatest && sees(reader, r.sharing) && (q.types === undefined || q.types.includes(r.type)));
      const start = q.cursor === undefined ? 0 : Number(q.cursor);
      return Promise.resolve(ok({ items: rows.slice(start, start + q.limit), nextCursor: start + q.limit < rows.length ? String(start + q.limit) : null }));
    },
  };
}

let n = 0;
async function put(store: StixStore, object: Record<string, unknown>, owner: OrgId, tlp: Tlp, audience: readonly AudienceKey[], revoked = false): Promise<StixId> {
  n += 1;
  const type = String(object['type']);
  const id = (typeof object['id'] === 'string' ? object['id'] : `${type}--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`) as StixId;
  const full = { spec_version: '2.1', id, created: '2026-11-03T10:00:00.000Z', modified: `2026-11-03T10:00:${String(n % 60).padStart(2, '0')}.000Z`, created_by_ref: owner, ...object };
  await store.write(async (w) => {
    await w.putBatch(
      [{ id, type, created: full.created, modified: full.modified, revoked, name: typeof object['name'] === 'string' ? object['name'] : null, description: null, json: JSON.stringify(full), sharing: { owner, tlp, audience } }],
      'reject',
    );
    return ok(null);
  });
  return id;
}

const incident = (name: string, fips?: string) => ({
  type: 'incident',
  name,
  extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'cyber', ...(fips === undefined ? {} : { state_fips: fips }) } },
});

const deps = (stix: StixStore) => ({ stix, clock: { now: () => new Date('2026-11-03T12:00:00.000Z') } });

describe('dashboardFor', () => {
  it('counts only what the reader may see: another state’s incidents stay off its map', async () => {
    const stix = visibilityStore();
    await put(stix, incident('County phishing', '55'), COUNTY, 'amber', ['state:55']);
    await put(stix, incident('State rumour', '55'), STATE, 'green', ['community']);
    await put(stix, incident('Other state internal', '17'), OTHER, 'amber', ['state:17']);
    await put(stix, incident('No state'), FEDERAL, 'green', ['community']);
    await put(stix, incident('Withdrawn', '55'), STATE, 'green', ['community'], true);

    const county = await dashboardFor(deps(stix), countyReader);
    expect(county.ok && county.value).toMatchObject({
      open_incidents_by_state: { '55': 2 },
      open_incidents_without_state: 1,
      open_incidents: 3,
      by_tlp: { clear: 0, green: 2, amber: 1, 'amber+strict': 0, red: 0 },
      by_type: [{ type: 'incident', count: 3 }],
      scanned: 4,
      truncated: false,
    });
    const other = await dashboardFor(deps(stix), otherReader);
    expect(other.ok && other.value.open_incidents_by_state).toEqual({ '55': 1, '17': 1 });
    expect(JSON.stringify(other)).not.toContain('County phishing');
  });

  it('leaves closed cases (resolved) off the map, and counts reopened ones again', async () => {
    const stix = visibilityStore();
    const withStatus = (name: string, status: string) => {
      const base = incident(name, '55');
      return { ...base, extensions: { [RAMPART_EXTENSION_ID]: { ...base.extensions[RAMPART_EXTENSION_ID], case_status: status } } };
    };
    await put(stix, withStatus('Closed', 'resolved'), COUNTY, 'amber', ['state:55']);
    await put(stix, withStatus('Reopened', 'reopened'), COUNTY, 'amber', ['state:55']);
    await put(stix, withStatus('Working', 'investigating'), COUNTY, 'amber', ['state:55']);
    const county = await dashboardFor(deps(stix), countyReader);
    expect(county.ok && county.value).toMatchObject({ open_incidents_by_state: { '55': 2 }, open_incidents: 2 });
  });

  it('lists the newest items others shared, never the reader’s own nor status reports, newest first', async () => {
    const stix = visibilityStore();
    await put(stix, incident('Mine', '55'), COUNTY, 'amber', ['state:55']);
    await put(stix, { type: 'report', name: 'Older advisory', report_types: ['advisory'], published: '2026-11-01T00:00:00.000Z' }, FEDERAL, 'green', ['community']);
    await put(stix, { type: 'relationship', relationship_type: 'related-to', source_ref: 'x', target_ref: 'y' }, FEDERAL, 'green', ['community']);
    // Knowledge-base reference material is not news: ATT&CK techniques and MITRE's own identity.
    const MITRE = 'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5' as OrgId;
    await put(stix, { type: 'attack-pattern', name: 'Technique' }, MITRE, 'clear', ['public']);
    await put(stix, { type: 'identity', id: MITRE, name: 'The MITRE Corporation', identity_class: 'organization' }, org(5), 'clear', ['public']);
    await put(stix, incident('Newer from the state', '55'), STATE, 'amber', ['state:55']);
    await put(stix, { type: 'x-rampart-status-report', election_ref: 'x' }, STATE, 'amber', ['state:55']);
    await put(stix, incident('Hidden', '17'), OTHER, 'amber', ['state:17']);
    const res = await dashboardFor(deps(stix), countyReader);
    expect(res.ok && res.value.latest_shared.map((i) => [i.name, i.tlp, i.mine])).toEqual([
      ['Newer from the state', 'amber', false],
      ['Older advisory', 'green', false],
    ]);
    // Ordered by when each reached the hub, and that is the time it carries (the STIX modified time can be older).
    const shared = res.ok ? res.value.latest_shared.map((i) => i.shared_at) : [];
    expect(shared.every((t) => !Number.isNaN(Date.parse(t)))).toBe(true);
    expect(shared).toEqual([...shared].sort().reverse());
  });

  it('recognises knowledge-base material received through a feed by its publisher, though a remote owner holds it', async () => {
    const stix = visibilityStore();
    const MITRE = 'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5' as OrgId;
    const DISARM = 'identity--f1a0f560-2d9e-4c5d-bf47-7e96e805de82' as OrgId;
    const origin = 'https://hub.example.gov';
    await put(stix, { type: 'attack-pattern', name: 'Received technique', created_by_ref: MITRE }, remoteOwnerId(origin, MITRE), 'clear', ['public']);
    await put(stix, { type: 'attack-pattern', name: 'Received DISARM technique', created_by_ref: DISARM }, remoteOwnerId(origin, DISARM), 'clear', ['public']);
    await put(stix, { type: 'identity', id: MITRE, name: 'The MITRE Corporation', identity_class: 'organization', created_by_ref: MITRE }, remoteOwnerId(origin, MITRE), 'clear', ['public']);
    // Naming a publisher elsewhere than created_by_ref does not make an object reference material.
    await put(stix, { type: 'report', name: 'Advisory citing ATT&CK', report_types: ['advisory'], published: '2026-11-01T00:00:00.000Z', object_refs: [MITRE] }, remoteOwnerId(origin, STATE), 'green', ['community']);
    await put(stix, incident('Received from the state', '55'), remoteOwnerId(origin, STATE), 'amber', ['state:55']);
    const res = await dashboardFor(deps(stix), countyReader);
    expect(res.ok && res.value.latest_shared.map((i) => i.name)).toEqual(['Received from the state', 'Advisory citing ATT&CK']);
  });

  it('counts members’ items by TLP and type, and the knowledge base’s reference material apart', async () => {
    const stix = visibilityStore();
    const MITRE = 'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5' as OrgId;
    for (let i = 0; i < 5; i += 1) await put(stix, { type: 'attack-pattern', name: `Technique ${i}` }, MITRE, 'clear', ['community']);
    await put(stix, { type: 'x-mitre-tactic', name: 'Tactic' }, MITRE, 'clear', ['community']);
    await put(stix, { type: 'marking-definition', name: 'TLP:GREEN', definition_type: 'tlp', definition: { tlp: 'green' } }, FEDERAL, 'clear', ['community']);
    // A DISARM relationship without a creator is held by the hub, but carries DISARM's copyright marking.
    const disarmMarking = 'marking-definition--f79f25d2-8b96-4580-b169-eb7b613a7c31';
    await put(stix, { type: 'relationship', relationship_type: 'subtechnique-of', source_ref: 'x', target_ref: 'y', created_by_ref: undefined, object_marking_refs: [disarmMarking] }, org(6), 'clear', ['community']);
    // A member's own object under that marking is still the member's.
    await put(stix, { type: 'report', name: 'Briefing quoting DISARM', report_types: ['threat-report'], published: '2026-11-01T00:00:00.000Z', object_marking_refs: [disarmMarking] }, STATE, 'green', ['community']);
    // The directory: a member organization's own identity.
    await put(stix, { type: 'identity', id: STATE, name: 'State office', identity_class: 'organization' }, STATE, 'clear', ['community']);
    await put(stix, incident('County phishing', '55'), COUNTY, 'amber', ['state:55']);
    await put(stix, { type: 'attack-pattern', name: 'A state’s own technique write-up' }, STATE, 'green', ['community']);
    const res = await dashboardFor(deps(stix), countyReader);
    expect(res.ok && res.value).toMatchObject({
      by_tlp: { clear: 0, green: 2, amber: 1, 'amber+strict': 0, red: 0 },
      by_type: [
        { type: 'attack-pattern', count: 1 },
        { type: 'incident', count: 1 },
        { type: 'report', count: 1 },
      ],
      reference_items: 9,
      reference_by_type: [
        { type: 'attack-pattern', count: 5 },
        { type: 'identity', count: 1 },
        { type: 'marking-definition', count: 1 },
        { type: 'relationship', count: 1 },
        { type: 'x-mitre-tactic', count: 1 },
      ],
      scanned: 12,
    });
  });

  it('counts what the Intelligence list shows by TLP and type, and status reports and relationships apart', async () => {
    const stix = visibilityStore();
    await put(stix, incident('County phishing', '55'), COUNTY, 'amber', ['state:55']);
    await put(stix, { type: 'report', name: 'Advisory', report_types: ['advisory'], published: '2026-11-01T00:00:00.000Z' }, FEDERAL, 'green', ['community']);
    for (let i = 0; i < 3; i += 1) await put(stix, { type: 'x-rampart-status-report', election_ref: `x${i}` }, STATE, 'amber', ['state:55']);
    await put(stix, { type: 'relationship', relationship_type: 'related-to', source_ref: 'x', target_ref: 'y' }, FEDERAL, 'green', ['community']);
    const res = await dashboardFor(deps(stix), countyReader);
    expect(res.ok && res.value).toMatchObject({
      by_tlp: { clear: 0, green: 1, amber: 1, 'amber+strict': 0, red: 0 },
      by_type: [
        { type: 'incident', count: 1 },
        { type: 'report', count: 1 },
      ],
      listed_elsewhere: [
        { type: 'x-rampart-status-report', count: 3 },
        { type: 'relationship', count: 1 },
      ],
    });
  });

  it('says when it stopped counting early', async () => {
    const stix = visibilityStore();
    for (let i = 0; i < 5; i += 1) await put(stix, incident(`i${i}`, '55'), STATE, 'green', ['community']);
    const res = await dashboardFor(deps(stix), countyReader, { maxScan: 3 });
    expect(res.ok && [res.value.scanned, res.value.truncated, res.value.open_incidents]).toEqual([3, true, 3]);
  });
});

describe('helpers', () => {
  it('reads state_fips from the Rampart extension only', () => {
    expect(incidentState(incident('x', '06'))).toBe('06');
    expect(incidentState({ extensions: { [RAMPART_EXTENSION_ID]: { state_fips: 'CA' } } })).toBeNull();
    expect(incidentState({ x_state: '06' })).toBeNull();
  });
});
