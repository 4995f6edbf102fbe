import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog, type AuditLog } from '../audit/audit-log.ts';
import type { AudienceKey } from '../domain/audience.ts';
import type { GroupId, OrgId, StixId, UserId } from '../domain/ids.ts';
import { ok } from '../domain/result.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { testDatabase, testDialects, type TestDatabase } from '../../test/helpers/store.ts';
import type { IncomingObject, Reader, Sharing } from '../store/types.ts';
import type { OrgInfo } from './keys.ts';
import type { ReshareEvent } from './reshare.ts';
import { createSharingService, type SharingService } from './service.ts';

const org = (n: number) => `identity--${String(n).padStart(8, '0')}-0000-4000-8000-000000000000` as OrgId;
const CA = org(1); // California's state office
const LA = org(2); // a Californian county
const CISA = org(3);
const TX = org(4);
const VENDOR = org(5);
const USER = '77777777-0000-4000-8000-000000000000' as UserId;
const ORGS = new Map<OrgId, OrgInfo>([
  [CA, { kind: 'state', stateFips: '06' }],
  [LA, { kind: 'local', stateFips: '06' }],
  [CISA, { kind: 'federal', stateFips: null }],
  [TX, { kind: 'state', stateFips: '48' }],
  [VENDOR, { kind: 'private', stateFips: null }],
]);

let n = 0;
const newId = () => `00000000-0000-4000-a000-${(++n).toString(16).padStart(12, '0')}`;

function indicator(owner: OrgId, sharing: Omit<Sharing, 'owner'>, extra: Record<string, unknown> = {}, type = 'indicator'): IncomingObject {
  const id = `${type}--${newId()}` as StixId;
  const json = JSON.stringify({ type, spec_version: '2.1', id, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', created_by_ref: owner, ...extra });
  return { id, type, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', revoked: false, name: null, description: null, json, sharing: { owner, ...sharing } };
}

describe.each(testDialects())('sharing service on %s', (dialect) => {
  let test: TestDatabase;
  let store: RampartStore;
  let audit: AuditLog;
  let service: SharingService;
  let events: ReshareEvent[];

  beforeEach(async () => {
    test = testDatabase(dialect);
    store = await openStore({ url: test.url });
    audit = createAuditLog(store);
    events = [];
    service = createSharingService({ store, orgInfo: (id) => Promise.resolve(ORGS.get(id) ?? null), newId: () => newId() as GroupId, audit, onReshare: (e) => void events.push(e) });
  });
  afterEach(async () => {
    await store.close();
    await test.drop();
  });

  const reader = async (orgId: OrgId): Promise<Reader> => ({ kind: 'member', orgId, userId: null, keys: await service.keysOf(orgId, null) });
  const put = async (item: IncomingObject) => {
    await store.stix.write(async (w) => ok(await w.putBatch([item], 'reject')));
    return item.id;
  };
  const actor = (orgId: OrgId) => ({ orgId, userId: null });

  describe('keysOf', () => {
    it('gives states, territories and local offices their state key; others none', async () => {
      expect(await service.keysOf(CA, USER)).toEqual(['public', 'community', `org:${CA}`, `user:${USER}`, 'state:06']);
      expect(await service.keysOf(LA, null)).toEqual(['public', 'community', `org:${LA}`, 'state:06']);
      expect(await service.keysOf(CISA, null)).toEqual(['public', 'community', `org:${CISA}`]);
    });

    it('adds a group only once the invited organization accepts', async () => {
      const group = await service.createGroup(actor(CA), 'West coast');
      if (!group.ok) throw new Error(group.error.message);
      const key: AudienceKey = `group:${group.value.id}`;
      expect(await service.keysOf(CA, null)).toContain(key);
      expect((await service.invite(actor(CA), group.value.id, TX)).ok).toBe(true);
      expect(await service.keysOf(TX, null)).not.toContain(key);
      expect((await service.answer(actor(TX), group.value.id, 'accepted')).ok).toBe(true);
      expect(await service.keysOf(TX, null)).toContain(key);

      expect((await service.invite(actor(CA), group.value.id, VENDOR)).ok).toBe(true);
      expect((await service.answer(actor(VENDOR), group.value.id, 'declined')).ok).toBe(true);
      expect(await service.keysOf(VENDOR, null)).not.toContain(key);
      expect((await service.listGroups(VENDOR)).length).toBe(0);
      expect((await service.listGroups(TX))[0]?.members).toEqual([
        { org_id: CA, status: 'accepted' },
        { org_id: TX, status: 'accepted' },
        { org_id: VENDOR, status: 'declined' },
      ]);
    });
  });

  describe('leaving and removing', () => {
    it('take group:<id> away at once, so objects shared with the group disappear for that organization', async () => {
      const group = await service.createGroup(actor(CA), 'Pacific');
      if (!group.ok) throw new Error(group.error.message);
      const id = group.value.id;
      for (const o of [TX, VENDOR]) {
        await service.invite(actor(CA), id, o);
        await service.answer(actor(o), id, 'accepted');
      }
      const shared = await put(indicator(CA, { tlp: 'amber', audience: [`group:${id}`] }));
      expect(await store.stix.get(await reader(TX), shared)).not.toBeNull();
      expect((await service.leave(actor(TX), id)).ok).toBe(true);
      expect(await store.stix.get(await reader(TX), shared)).toBeNull();
      expect(await store.stix.get(await reader(VENDOR), shared)).not.toBeNull();
      const removed = await service.removeMember(actor(CA), id, VENDOR);
      expect(removed.ok && removed.value.members).toEqual([{ org_id: CA, status: 'accepted' }]);
      expect(await store.stix.get(await reader(VENDOR), shared)).toBeNull();
      expect(await store.stix.get(await reader(CA), shared)).not.toBeNull();
    });

    it('refuse the creator leaving, strangers, non-creators removing, and removing non-members', async () => {
      const group = await service.createGroup(actor(CA), 'Pacific');
      if (!group.ok) throw new Error(group.error.message);
      const id = group.value.id;
      await service.invite(actor(CA), id, TX);
      await service.answer(actor(TX), id, 'accepted');
      const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);
      expect(code(await service.leave(actor(CA), id))).toBe('creator-cannot-leave');
      expect(code(await service.leave(actor(VENDOR), id))).toBe('group-not-found');
      expect(code(await service.removeMember(actor(TX), id, CA))).toBe('not-group-owner');
      expect(code(await service.removeMember(actor(CA), id, CA))).toBe('creator-cannot-leave');
      expect(code(await service.removeMember(actor(CA), id, VENDOR))).toBe('not-a-member');
      expect(await service.keysOf(TX, null)).toContain(`group:${id}`);
    });
  });

  describe('groups refuse', () => {
    it('invitations from members other than the creator, unknown groups and organizations, repeats, and answers without an invitation', async () => {
      const group = await service.createGroup(actor(CA), 'Pacific');
      if (!group.ok) throw new Error(group.error.message);
      const id = group.value.id;
      await service.invite(actor(CA), id, TX);
      const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);
      expect(code(await service.invite(actor(TX), id, VENDOR))).toBe('group-not-found'); // TX has not accepted yet
      await service.answer(actor(TX), id, 'accepted');
      expect(code(await service.invite(actor(TX), id, VENDOR))).toBe('not-group-owner');
      expect(code(await service.invite(actor(CA), id, org(99)))).toBe('org-not-found');
      expect(code(await service.invite(actor(CA), id, TX))).toBe('already-member');
      await service.invite(actor(CA), id, VENDOR);
      expect(code(await service.invite(actor(CA), id, VENDOR))).toBe('already-invited');
      expect(code(await service.answer(actor(CISA), id, 'accepted'))).toBe('no-invitation');
      expect(code(await service.invite(actor(CA), '00000000-0000-4000-8000-000000000999' as GroupId, TX))).toBe('group-not-found');
      expect(code(await service.createGroup(actor(CA), '   '))).toBe('invalid-group-name');
      expect(await service.keysOf(CISA, null)).not.toContain(`group:${id}`);
    });
  });

  describe('decide', () => {
    it('defaults respect authority: a county shares with its state, a state and others with themselves', async () => {
      expect(await service.decide(LA, 'amber', undefined)).toEqual(ok({ owner: LA, tlp: 'amber', audience: ['state:06', `org:${LA}`] }));
      expect(await service.decide(LA, 'green', undefined)).toEqual(ok({ owner: LA, tlp: 'green', audience: ['state:06', `org:${LA}`] }));
      expect(await service.decide(CA, 'amber', undefined)).toEqual(ok({ owner: CA, tlp: 'amber', audience: [`org:${CA}`] }));
      expect(await service.decide(CISA, 'clear', undefined)).toEqual(ok({ owner: CISA, tlp: 'clear', audience: [`org:${CISA}`] }));
      expect(await service.decide(LA, 'amber+strict', undefined)).toEqual(ok({ owner: LA, tlp: 'amber+strict', audience: [`org:${LA}`] }));
    });

    it('refuses RED without named people, and any audience its TLP does not allow', async () => {
      const red = await service.decide(CA, 'red', undefined);
      expect(red.ok ? '' : red.error.code).toBe('audience-required');
      const strict = await service.decide(CA, 'amber+strict', [`org:${CA}`, 'state:06']);
      expect(strict.ok ? null : strict.error).toEqual({ kind: 'invalid', code: 'tlp-audience-mismatch', message: 'TLP:AMBER+STRICT may only name organizations; remove state:06' });
      const empty = await service.decide(CA, 'green', []);
      expect(empty.ok ? '' : empty.error.code).toBe('tlp-audience-mismatch');
      expect(await service.decide(CA, 'red', [`user:${USER}`])).toEqual(ok({ owner: CA, tlp: 'red', audience: [`user:${USER}`] }));
    });

    it('refuses a group the owner has not joined', async () => {
      const group = await service.createGroup(actor(TX), 'Texas only');
      if (!group.ok) throw new Error(group.error.message);
      const result = await service.decide(CA, 'amber', [`group:${group.value.id}`]);
      expect(result.ok ? '' : result.error.code).toBe('not-group-member');
      expect((await service.decide(TX, 'amber', [`group:${group.value.id}`])).ok).toBe(true);
    });

    it('uses the organization default an org-admin set, refuses bad defaults and keeps nothing of them', async () => {
      const set = await service.setDefaults(actor(CA), new Map([['green', ['community']], ['red', [`user:${USER}`]]]));
      expect(set.ok).toBe(true);
      expect(await service.decide(CA, 'green', undefined)).toEqual(ok({ owner: CA, tlp: 'green', audience: ['community'] }));
      expect(await service.decide(CA, 'red', undefined)).toEqual(ok({ owner: CA, tlp: 'red', audience: [`user:${USER}`] }));
      const bad = await service.setDefaults(actor(CA), new Map<'amber' | 'green', readonly AudienceKey[]>([['amber', ['state:06']], ['green', ['public']]]));
      expect(bad.ok ? null : bad.error).toEqual({ kind: 'invalid', code: 'tlp-audience-mismatch', message: 'default for TLP:GREEN: TLP:GREEN may be shared at most with the community, never the public; remove public' });
      const after = await service.defaults(CA);
      expect(after.find((d) => d.tlp === 'amber')).toEqual({ tlp: 'amber', audience: [`org:${CA}`], source: 'built-in' });
      expect((await service.setDefaults(actor(CA), new Map([['green', null]]))).ok).toBe(true);
      expect(await service.decide(CA, 'green', undefined)).toEqual(ok({ owner: CA, tlp: 'green', audience: [`org:${CA}`] }));
      expect((await audit.trail(CA, 0, 10)).map((e) => e.action)).toEqual(['defaults-changed', 'defaults-changed']);
    });
  });

  describe('reshare', () => {
    it('widens and narrows at once, for the owner only, and tells live feeds', async () => {
      const id = await put(indicator(LA, { tlp: 'amber', audience: ['state:06'] }));
      const tx = await reader(TX);
      expect(await store.stix.get(tx, id)).toBeNull();
      const widened = await service.reshare(actor(LA), await reader(LA), id, { audience: ['state:06', `org:${TX}`] });
      expect(widened.ok && widened.value.changed).toBe(true);
      expect((await store.stix.get(tx, id))?.sharing.audience).toEqual(['state:06', `org:${TX}`]);
      const narrowed = await service.reshare(actor(LA), await reader(LA), id, { audience: [`org:${LA}`] });
      expect(narrowed.ok).toBe(true);
      expect(await store.stix.get(tx, id)).toBeNull();
      expect(await store.stix.get(await reader(CA), id)).toBeNull();
      expect(events.map((e) => e.after.audience)).toEqual([['state:06', `org:${TX}`], [`org:${LA}`]]);
      expect((await audit.trail(LA, 0, 10)).map((e) => [e.action, e.object_id])).toEqual([
        ['reshare', id],
        ['reshare', id],
      ]);
      const same = await service.reshare(actor(LA), await reader(LA), id, { audience: [`org:${LA}`] });
      expect(same.ok && same.value.changed).toBe(false);
      expect(events.length).toBe(2);
    });

    it('refuses non-owners, a TLP change, a bad audience and an unseen object, changing nothing', async () => {
      const id = await put(indicator(LA, { tlp: 'amber', audience: ['state:06'] }));
      const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error?.code);
      expect(code(await service.reshare(actor(CA), await reader(CA), id, { audience: ['state:06', `org:${CISA}`] }))).toBe('not-owner');
      expect(code(await service.reshare(actor(TX), await reader(TX), id, { audience: [`org:${TX}`] }))).toBe('not-found');
      expect(code(await service.reshare(actor(LA), await reader(LA), id, { audience: ['community'] }))).toBe('tlp-audience-mismatch');
      expect(code(await service.reshare(actor(LA), await reader(LA), id, { audience: ['community'], tlp: 'green' }))).toBe('tlp-change-needs-version');
      expect((await store.stix.get({ kind: 'operator' }, id))?.sharing).toEqual({ owner: LA, tlp: 'amber', audience: ['state:06'] });
      expect(events).toEqual([]);
      expect(await audit.trail(LA, 0, 10)).toEqual([]);
    });
  });

  describe('anonymous aggregates', () => {
    it('counts sightings across owners who allowed it, with states, never who', async () => {
      const ind = await put(indicator(CISA, { tlp: 'green', audience: ['community'] }, { pattern: "[ipv4-addr:value = '198.51.100.7']", pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z' }));
      const sighting = (owner: OrgId, audience: readonly AudienceKey[], tlp: 'green' | 'amber' = 'green') => indicator(owner, { tlp, audience }, { sighting_of_ref: ind }, 'sighting');
      await put(sighting(LA, ['community'])); // counted: shared with the community
      await put(sighting(CA, ['community'])); // counted
      await put(sighting(TX, ['state:48'], 'amber')); // not counted by default
      const vendorSighting = await put(sighting(VENDOR, [`org:${VENDOR}`], 'amber'));
      await put(indicator(CA, { tlp: 'green', audience: ['community'] }, { sighting_of_ref: 'indicator--00000000-0000-4000-8000-000000000000' }, 'sighting'));

      const numbers = (times: number, jurisdictions: number, others: number, states: number, text: string) =>
        ok({ indicator: ind, sightings: times, jurisdictions, other_organizations: others, organizations: jurisdictions + others, states, text, last_sighted: '2024-01-01T00:00:00Z' });
      expect(await service.sightingAggregate(await reader(LA), ind)).toEqual(numbers(2, 2, 0, 1, 'sighted 2 times by 2 jurisdictions in 1 state'));
      expect(await service.sightingAggregate(await reader(TX), ind)).toEqual(numbers(3, 3, 0, 2, 'sighted 3 times by 3 jurisdictions in 2 states'));
      await service.setOrgCounting(TX, true);
      expect(await service.sightingAggregate(await reader(LA), ind)).toEqual(numbers(3, 3, 0, 2, 'sighted 3 times by 3 jurisdictions in 2 states'));
      // CA withdraws counting, but its sighting is shared with the community: whoever may see it counts it anyway.
      await service.setOrgCounting(CA, false);
      const vendor = await service.reshare(actor(VENDOR), await reader(VENDOR), vendorSighting, { audience: [`org:${VENDOR}`], allowCounting: true });
      expect(vendor.ok).toBe(true);
      expect(await service.sightingAggregate(await reader(LA), ind)).toEqual(numbers(4, 3, 1, 2, 'sighted 4 times by 3 jurisdictions in 2 states and 1 other organization'));

      const hidden = await put(indicator(TX, { tlp: 'amber', audience: ['state:48'] }));
      const refused = await service.sightingAggregate(await reader(LA), hidden);
      expect(refused.ok ? '' : refused.error.code).toBe('not-found');
    });
  });
});
