import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { GroupId, OrgId } from '../src/domain/ids.ts';
import { ok } from '../src/domain/result.ts';
import type { Tlp } from '../src/domain/tlp.ts';
import { DEFAULT_POLICY } from '../src/notifications/deliver.ts';
import type { WebhookRequest } from '../src/notifications/webhook.ts';
import { RAMPART_EXTENSION_ID } from '../src/stix/rampart-extension.ts';
import { notificationsStore } from '../src/store/notifications.ts';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { memoryMailer } from './helpers/notifications.ts';
import { testDialects } from './helpers/store.ts';
import { audienceFor, reaches, TLPS, type Membership, type ModelOrg, type ModelPeople, type ModelReader } from './helpers/visibility-oracle.ts';
import { keyChoice } from './helpers/visibility-world.ts';

/*
 * "Nobody sees what was not shared with them", on the feature paths the other visibility properties leave out:
 * what an organization's webhook and its people's emails are sent (at the time of sending, after re-shares that
 * narrow or widen, and a webhook's dead-letter list), an incident's timeline, links and corroborations, support
 * requests with their messages and alerts, saved searches run again after the reader lost access, the audit trail
 * of each organization, the anonymous sighting summary, and the refusal of an unseen id on each of these routes
 * (the same status and body as for an id that never existed). Every object carries a word of its own; what may be
 * seen is said by the oracle of test/helpers/visibility-oracle.ts, which shares no code with the product.
 */

type Phase = 'initial' | 'mid' | 'final';
const PHASES: readonly Phase[] = ['initial', 'mid', 'final'];

interface Obj {
  readonly id: string;
  readonly type: string;
  readonly owner: number;
  readonly tlp: Tlp;
  readonly audience: Readonly<Record<Phase, readonly AudienceKey[]>>;
  readonly word: string;
  /** The ids it points at (a note's incident, a relationship's ends, a sighting's indicator). */
  readonly refs: readonly string[];
  readonly count: number;
  counting: boolean | null;
}

interface Org {
  readonly id: OrgId;
  readonly kind: ModelOrg['kind'];
  readonly fips: string | null;
  readonly admin: Person;
  readonly analyst: Person;
  /** Deliveries to this organization's webhook keep failing until its dead letters are replayed. */
  readonly failing: boolean;
  hook: string;
}

interface Served {
  readonly status: number;
  readonly body: string;
}

const HEX = (n: number, w: number) => n.toString(16).padStart(w, '0');
const absent = (type: string) => `${type}--5effffff-ffff-4fff-8fff-ffffffffffff`;
const ABSENT_UUID = '5effffff-ffff-4fff-8fff-fffffffffffe';
const same = (s: Served, ...ids: string[]) => {
  let body = s.body;
  for (const id of ids) body = body.replaceAll(id, '{id}').replaceAll(id.slice(id.indexOf('--') + 2), '{uuid}');
  return `${s.status} ${body}`;
};
const STIX_ID = /[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

describe.each(testDialects())('feature paths on %s agree with the TLP oracle', (dialect) => {
  let h: ComposedHub;
  let now = Date.parse('2026-11-03T13:00:00.000Z');
  const mailer = memoryMailer();
  /** What webhooks were sent, with the phase of the sharing they were sent under. */
  const hooked: { phase: Phase; url: string; body: string }[] = [];
  let hooksWork: 'none' | 'healthy' | 'all' = 'none';
  let phase: Phase = 'initial';
  const orgs: Org[] = [];
  let people: ModelPeople = { orgs: [], groups: [] };
  /** Whose each email address is. */
  const personOfEmail = new Map<string, string>();
  /** Each organization's choice of counting its sightings (PUT /api/v1/org/counting), as it stands. */
  const orgCounting = new Map<number, boolean | null>();
  /** Every record of every run by id (an id may have records of several owners), for the audit trail's checks. */
  const everything = new Map<string, Obj[]>();

  const call = async (who: Person, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<Served> => {
    const res = await h.hub.app.inject({ method, url, headers: { authorization: `Bearer ${who.key}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
    return { status: res.statusCode, body: res.body };
  };
  const json = <T,>(s: Served, what: string): T => {
    if (s.status >= 300) throw new Error(`${what}: ${s.status} ${s.body}`);
    return (s.body === '' ? null : JSON.parse(s.body)) as T;
  };
  const round = async () => {
    await h.hub.notifier.round();
  };

  beforeAll(async () => {
    h = await composedHub(
      {
        clock: { now: () => new Date(now) },
        notifications: {
          mailer,
          // Two attempts, then the dead-letter list; a webhook is never turned off here.
          policy: { ...DEFAULT_POLICY, maxAttempts: 2, disableAfterDead: 1_000_000 },
          sendWebhook: (request: WebhookRequest) => {
            const failing = hooksWork === 'none' || (hooksWork === 'healthy' && request.url.includes('/failing/'));
            if (failing) return Promise.resolve({ ok: false as const, error: 'the test receiver is down' });
            hooked.push({ phase, url: request.url, body: request.body });
            return Promise.resolve(ok(undefined));
          },
        },
      },
      dialect,
    );
    const all = await h.hub.auth.context.accounts.listOrganizations();
    const cisa = all.find((o) => o.short_name === 'CISA');
    if (cisa === undefined) throw new Error('no CISA in the seed');
    const picked: { id: OrgId; kind: ModelOrg['kind']; fips: string | null }[] = [
      { id: await h.state('06'), kind: 'state', fips: '06' },
      { id: await h.organization({ kind: 'local', name: 'Cedar County Clerk (fictional)', state_fips: '06' }), kind: 'local', fips: '06' },
      { id: await h.state('48'), kind: 'state', fips: '48' },
      { id: await h.state('72'), kind: 'territory', fips: '72' },
      { id: cisa.id, kind: 'federal', fips: null },
      { id: await h.organization({ kind: 'private', name: 'Ballot Systems Vendor (fictional)', partner_type: 'vendor' }), kind: 'private', fips: null },
    ];
    for (const [i, p] of picked.entries()) {
      const admin = await h.person(p.id, `admin ${i}`, 'org-admin');
      const analyst = await h.person(p.id, `analyst ${i}`);
      const failing = i % 2 === 1;
      const org: Org = { ...p, admin, analyst, failing, hook: '' };
      const hook = json<{ id: string }>(await call(admin, 'POST', '/api/v1/org/webhooks', { url: `https://receiver.example/${failing ? 'failing' : 'healthy'}/${i}` }), 'webhook');
      org.hook = hook.id;
      // Everything the organization may see: to its webhook, and emailed at once to its people.
      json(await call(admin, 'POST', '/api/v1/org/watch-rules', { name: 'Everything', criteria: {}, email: 'immediate' }), 'watch rule');
      orgs.push(org);
      for (const p of [admin, analyst]) personOfEmail.set((await h.hub.auth.context.accounts.userById(p.userId))?.email ?? '', p.userId);
      // The analysts read their alerts in the daily digest: each item checked again when the digest goes out.
      json(await call(analyst, 'PUT', '/api/v1/me/notification-settings', { email_mode: 'digest' }), 'email mode');
    }
    // Two sharing groups: the state's (its county and CISA in, the vendor invited) and the vendor's (Texas in, California declined).
    const actor = (i: number) => ({ orgId: orgs[i]?.id ?? ('' as OrgId), userId: orgs[i]?.admin.userId ?? null });
    const groups: { id: GroupId; creator: number; members: Membership[] }[] = [];
    for (const [creator, answers] of [
      [0, { 1: 'accepted', 4: 'accepted', 5: 'invited' }],
      [5, { 2: 'accepted', 0: 'declined' }],
    ] as const) {
      const made = await h.hub.sharing.createGroup(actor(creator), `group of ${creator}`);
      if (!made.ok) throw new Error(made.error.message);
      const members: Membership[] = orgs.map((_, j) => (j === creator ? 'accepted' : 'none'));
      for (const [j, answer] of Object.entries(answers) as [string, Membership][]) {
        const k = Number(j);
        const invited = await h.hub.sharing.invite(actor(creator), made.value.id, orgs[k]?.id ?? ('' as OrgId));
        if (!invited.ok) throw new Error(invited.error.message);
        if (answer !== 'invited') await h.hub.sharing.answer(actor(k), made.value.id, answer === 'accepted' ? 'accepted' : 'declined');
        members[k] = answer;
      }
      groups.push({ id: made.value.id, creator, members });
    }
    people = { orgs: orgs.map((o) => ({ id: o.id, kind: o.kind, fips: o.fips, users: [o.admin.userId, o.analyst.userId] })), groups };
    // Support: CISA and the vendor offer incident response.
    for (const i of [4, 5]) {
      const p = orgs[i]?.admin;
      if (p !== undefined) json(await call(p, 'PUT', '/api/v1/support/offerings/incident-response', { description: 'We come to you.', active: true }), 'offering');
    }
    await round();
  }, 180_000);
  afterAll(async () => {
    await h.close();
  });

  const readers = (): { reader: ModelReader; person: Person; org: number }[] =>
    orgs.flatMap((o, i) => [
      { reader: { kind: 'member', org: i, user: o.admin.userId } as const, person: o.admin, org: i },
      { reader: { kind: 'member', org: i, user: o.analyst.userId } as const, person: o.analyst, org: i },
    ]);
  const orgReader = (i: number): ModelReader => ({ kind: 'member', org: i, user: null });
  const seesAt = (r: ModelReader, o: Obj, p: Phase) => reaches(people, r, o.owner, o.tlp, o.audience[p]);

  /** An audience the TLP allows, naming only groups the owner belongs to (sharing with a group one is not in is refused). */
  const audienceOf = (owner: number, tlp: Tlp, choices: readonly { kind: number; n: number }[]): AudienceKey[] => {
    const keys = audienceFor(people, tlp, choices).filter((k) => !k.startsWith('group:') || people.groups.some((g) => `group:${g.id}` === k && g.members[owner] === 'accepted'));
    if (keys.length > 0) return keys;
    const me = orgs[owner];
    return tlp === 'red' ? [`user:${me?.admin.userId ?? ''}` as AudienceKey] : tlp === 'clear' || tlp === 'green' ? ['community'] : [`org:${me?.id ?? ''}` as AudienceKey];
  };

  /** The words and ids in `text` that `r` may not see in `p`: ids pointed at by an object it sees are its to read. */
  const leaks = (text: string, r: ModelReader, p: Phase, objects: Iterable<Obj>): string[] => {
    const list = [...objects];
    const shown = list.filter((o) => seesAt(r, o, p));
    const named = new Set(shown.flatMap((o) => [o.id, ...o.refs]));
    return list.filter((o) => !seesAt(r, o, p)).flatMap((o) => [...(text.includes(o.word) ? [o.word] : []), ...(text.includes(o.id) && !named.has(o.id) ? [o.id] : [])]);
  };

  // ---- Objects, incidents, webhooks, emails, saved searches, audit, sighting summary -------------------------------

  const marking = fc.record({ tlp: fc.constantFrom(...TLPS), keys: fc.array(keyChoice, { minLength: 1, maxLength: 3 }) });
  const worldArb = fc.record({
    base: fc.array(
      fc.record({
        type: fc.constantFrom('indicator', 'incident'),
        owner: fc.nat(5),
        first: marking,
        mid: fc.option(fc.array(keyChoice, { minLength: 1, maxLength: 3 }), { nil: null }),
        final: fc.option(fc.array(keyChoice, { minLength: 1, maxLength: 3 }), { nil: null }),
      }),
      { minLength: 3, maxLength: 6 },
    ),
    notes: fc.array(fc.record({ incident: fc.nat(9), writer: fc.nat(5), narrow: fc.option(marking, { nil: null }) }), { maxLength: 3 }),
    links: fc.array(fc.record({ incident: fc.nat(9), target: fc.nat(9) }), { maxLength: 3 }),
    corroborations: fc.array(fc.record({ incident: fc.nat(9), own: fc.nat(9) }), { maxLength: 2 }),
    sightings: fc.array(
      fc.record({ indicator: fc.nat(9), owner: fc.nat(5), marking, narrower: fc.option(fc.array(keyChoice, { minLength: 1, maxLength: 2 }), { nil: null }), count: fc.integer({ min: 1, max: 5 }), counting: fc.constantFrom<boolean | null>(true, true, false, null) }),
      { maxLength: 4 },
    ),
    orgCounting: fc.array(fc.record({ org: fc.nat(5), allow: fc.constantFrom<boolean | null>(true, false, null) }), { maxLength: 2 }),
    /** An organization publishing under the id of an indicator it may not see: a record of its own (DESIGN.md, "a refusal reveals nothing"). */
    ownRecords: fc.array(fc.record({ indicator: fc.nat(9), by: fc.nat(5) }), { minLength: 1, maxLength: 2 }),
  });
  type WorldSpec = typeof worldArb extends fc.Arbitrary<infer T> ? T : never;

  let run = 0;
  let serial = 0;

  async function build(spec: WorldSpec): Promise<Obj[]> {
    run += 1;
    const objects: Obj[] = [];
    const word = () => `wf${HEX(run, 4)}${dialect.slice(0, 2)}n${HEX(++serial, 4)}`;
    const fixed = (a: readonly AudienceKey[]) => ({ initial: a, mid: a, final: a });
    for (const c of spec.orgCounting) {
      const admin = orgs[c.org]?.admin;
      if (admin === undefined) continue;
      json(await call(admin, 'PUT', '/api/v1/org/counting', { allow_counting: c.allow }), 'org counting');
      orgCounting.set(c.org, c.allow);
    }
    const writtenOf = (s: Served, what: string) => json<{ object: { id: string }; sharing: { tlp: Tlp; audience: AudienceKey[] } }>(s, what);
    for (const b of spec.base) {
      const owner = orgs[b.owner];
      if (owner === undefined) continue;
      const w = word();
      const n = HEX(++serial, 12);
      const id = `${b.type}--5e${HEX(run, 6)}-0000-4000-8000-${n}`;
      const at = '2026-11-03T12:00:00.000Z';
      const object =
        b.type === 'indicator'
          ? { type: 'indicator', spec_version: '2.1', id, created: at, modified: at, name: `indicator ${w}`, description: `about ${w}`, pattern: `[domain-name:value = '${w}.example']`, pattern_type: 'stix', valid_from: '2026-11-03T12:00:00Z' }
          : { type: 'incident', spec_version: '2.1', id, created: at, modified: at, name: `incident ${w}`, description: `about ${w}`, extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'cyber', severity: 'low' } } };
      const initial = audienceOf(b.owner, b.first.tlp, b.first.keys);
      const mid = b.mid === null ? initial : audienceOf(b.owner, b.first.tlp, b.mid);
      const final = b.final === null ? mid : audienceOf(b.owner, b.first.tlp, b.final);
      writtenOf(await call(owner.analyst, 'POST', '/api/v1/objects', { object, tlp: b.first.tlp, audience: initial }), `posting ${id}`);
      objects.push({ id, type: b.type, owner: b.owner, tlp: b.first.tlp, audience: { initial, mid, final }, word: w, refs: [], count: 0, counting: null });
    }
    const incidents = objects.filter((o) => o.type === 'incident');
    const indicators = objects.filter((o) => o.type === 'indicator');
    for (const t of spec.ownRecords) {
      const pool = [...indicators, ...incidents];
      const target = pool[t.indicator % Math.max(1, pool.length)];
      // The first organization from t.by on whose analyst may not see it, if any.
      const k = [0, 1, 2, 3, 4, 5].map((d) => (t.by + d) % orgs.length).find((j) => target !== undefined && !objects.some((o) => o.id === target.id && (o.owner === j || seesAt({ kind: 'member', org: j, user: orgs[j]?.analyst.userId ?? null }, o, 'initial'))));
      const by = k === undefined ? undefined : orgs[k];
      if (target === undefined || by === undefined || k === undefined) continue;
      const w = word();
      const at = '2026-11-03T12:00:00.000Z';
      const object =
        target.type === 'indicator'
          ? { type: 'indicator', spec_version: '2.1', id: target.id, created: at, modified: at, name: `indicator ${w}`, description: `about ${w}`, pattern: `[domain-name:value = '${w}.example']`, pattern_type: 'stix', valid_from: '2026-11-03T12:00:00Z' }
          : { type: 'incident', spec_version: '2.1', id: target.id, created: at, modified: at, name: `incident ${w}`, description: `about ${w}`, extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'cyber', severity: 'low' } } };
      const audience: AudienceKey[] = [`org:${by.id}`];
      writtenOf(await call(by.analyst, 'POST', '/api/v1/objects', { object, tlp: 'amber', audience }), 'own record under an unseen id');
      objects.push({ id: target.id, type: target.type, owner: k, tlp: 'amber', audience: fixed(audience), word: w, refs: [], count: 0, counting: null });
    }
    // Notes by whoever sees the incident: its sharing, or one they ask for (stored only when the product accepts it).
    for (const n of spec.notes) {
      const incident = incidents[n.incident % Math.max(1, incidents.length)];
      const writer = orgs[n.writer];
      if (incident === undefined || writer === undefined || !seesAt(orgReader(n.writer), incident, 'initial')) continue;
      const w = word();
      const sharing = n.narrow === null ? {} : { tlp: n.narrow.tlp, audience: audienceOf(n.writer, n.narrow.tlp, n.narrow.keys) };
      const res = await call(writer.analyst, 'POST', `/api/v1/incidents/${incident.id}/notes`, { content: `note ${w}`, ...sharing });
      if (n.narrow !== null && (res.status === 400 || res.status === 422)) continue;
      const written = writtenOf(res, 'note');
      objects.push({ id: written.object.id, type: 'note', owner: n.writer, tlp: written.sharing.tlp, audience: fixed(written.sharing.audience), word: w, refs: [incident.id], count: 0, counting: null });
    }
    // Links from an incident to an indicator its owner sees: the owner's relationship, shared as the incident is.
    for (const l of spec.links) {
      const incident = incidents[l.incident % Math.max(1, incidents.length)];
      const target = indicators[l.target % Math.max(1, indicators.length)];
      if (incident === undefined || target === undefined || !seesAt(orgReader(incident.owner), target, 'initial')) continue;
      const owner = orgs[incident.owner];
      if (owner === undefined) continue;
      const res = await call(owner.analyst, 'POST', `/api/v1/incidents/${incident.id}/links`, { target_id: target.id });
      if (res.status === 409) continue; // linked already
      const written = writtenOf(res, 'link');
      objects.push({ id: written.object.id, type: 'relationship', owner: incident.owner, tlp: written.sharing.tlp, audience: fixed(written.sharing.audience), word: written.object.id, refs: [target.id, incident.id], count: 0, counting: null });
    }
    // "Seen here too": an organization's own incident linked to another's it sees.
    for (const c of spec.corroborations) {
      const other = incidents[c.incident % Math.max(1, incidents.length)];
      const own = incidents[c.own % Math.max(1, incidents.length)];
      if (other === undefined || own === undefined || own.owner === other.owner || !seesAt(orgReader(own.owner), other, 'initial')) continue;
      const by = orgs[own.owner];
      if (by === undefined) continue;
      const res = await call(by.analyst, 'POST', `/api/v1/incidents/${other.id}/corroborations`, { incident_id: own.id });
      if (res.status === 409) continue;
      const written = writtenOf(res, 'corroboration');
      objects.push({ id: written.object.id, type: 'relationship', owner: own.owner, tlp: written.sharing.tlp, audience: fixed(written.sharing.audience), word: written.object.id, refs: [own.id, other.id], count: 0, counting: null });
    }
    // Sightings of indicators their owners see, some allowed to be counted, some not.
    for (const s of spec.sightings) {
      const target = indicators[s.indicator % Math.max(1, indicators.length)];
      const owner = orgs[s.owner];
      if (target === undefined || owner === undefined || !seesAt(orgReader(s.owner), target, 'initial')) continue;
      const w = word();
      const id = `sighting--5e${HEX(run, 6)}-0000-4000-8000-${HEX(++serial, 12)}`;
      const at = '2026-11-03T12:00:00.000Z';
      const audience = audienceOf(s.owner, s.marking.tlp, s.marking.keys);
      const object = { type: 'sighting', spec_version: '2.1', id, created: at, modified: at, description: `sighting ${w}`, sighting_of_ref: target.id, count: s.count, last_seen: '2026-11-03T12:30:00Z' };
      writtenOf(await call(owner.analyst, 'POST', '/api/v1/objects', { object, tlp: s.marking.tlp, audience }), 'sighting');
      if (s.counting !== null) json(await call(owner.analyst, 'PUT', `/api/v1/objects/${id}/sharing`, { audience, allow_counting: s.counting }), 'counting');
      // Some are re-shared later (with the base objects) to an audience of their own.
      const later = s.narrower === null ? audience : audienceOf(s.owner, s.marking.tlp, s.narrower);
      objects.push({ id, type: 'sighting', owner: s.owner, tlp: s.marking.tlp, audience: { initial: audience, mid: later, final: later }, word: w, refs: [target.id], count: s.count, counting: s.counting });
    }
    for (const o of objects) everything.set(o.id, [...(everything.get(o.id) ?? []), o]);
    return objects;
  }

  async function reshareTo(objects: readonly Obj[], p: Phase): Promise<void> {
    for (const o of objects) {
      const before = o.audience[p === 'final' ? 'mid' : 'initial'];
      if (o.audience[p] === before) continue;
      const owner = orgs[o.owner];
      if (owner === undefined) continue;
      json(await call(owner.analyst, 'PUT', `/api/v1/objects/${o.id}/sharing`, { tlp: o.tlp, audience: o.audience[p] }), `re-share of ${o.id}`);
      h.hub.notifier.changed({ kind: 'reshared', id: o.id });
    }
    await round();
  }

  /** Every webhook body and email sent since `from` holds only what its organization (a webhook) or person (an email) may see in the phase it was sent in. */
  async function checkSent(objects: readonly Obj[], hooksFrom: number, mailsFrom: number): Promise<number> {
    const notify = notificationsStore(h.store.database);
    for (const sent of hooked.slice(hooksFrom)) {
      const i = Number(sent.url.slice(sent.url.lastIndexOf('/') + 1));
      const body = JSON.parse(sent.body) as { event: string; object?: { id: string } };
      if (body.event !== 'object.shared' || body.object === undefined) continue;
      const records = objects.filter((x) => x.id === body.object?.id);
      if (records.length === 0) continue;
      expect(records.some((o) => seesAt(orgReader(i), o, sent.phase)), `webhook of org ${i} sent ${body.object.id} in the ${sent.phase} phase`).toBe(true);
      expect(leaks(sent.body, orgReader(i), sent.phase, objects), `webhook body to org ${i} (${sent.phase})`).toEqual([]);
    }
    let digests = 0;
    for (const mail of mailer.sent.slice(mailsFrom)) {
      const delivery = await notify.delivery(mail.deliveryId);
      if (delivery !== null && delivery.object_id === null) continue;
      // A digest names no delivery: it goes to its person's address.
      const recipient = delivery?.recipient ?? personOfEmail.get(mail.to);
      if (delivery === null) digests += 1;
      const r = readers().find((x) => x.person.userId === recipient);
      if (r === undefined) continue;
      const p = (mail as { phase?: Phase }).phase ?? 'initial';
      expect(leaks(`${mail.subject}\n${mail.text}`, r.reader, p, objects), `email to ${recipient ?? mail.to} (${p})`).toEqual([]);
    }
    return digests;
  }

  it('webhooks, emails, dead letters, incidents, saved searches, the audit trail and sighting summaries', async () => {
    const notify = notificationsStore(h.store.database);
    // Tag each email with the phase it was sent in.
    const send = mailer.send.bind(mailer);
    mailer.send = (message) => send(Object.assign(message, { phase }));
    let digestsSent = 0;
    await fc.assert(
      fc.asyncProperty(worldArb, async (spec) => {
        const hooksFrom = hooked.length;
        const mailsFrom = mailer.sent.length;
        // 1. Stored and matched: every webhook delivery fails once (emails go out).
        phase = 'initial';
        hooksWork = 'none';
        const objects = await build(spec);
        await round();
        // 2. Re-shared (narrower or wider); what it showed to more people is matched, and its webhooks fail too.
        phase = 'mid';
        await reshareTo(objects, 'mid');
        const saved = await saveSearches(objects, 'mid');
        // 3. A day later: the retries and the daily digests are due; the healthy receivers take them, the failing ones fail again (the dead-letter list).
        now += 24 * 3_600_000;
        hooksWork = 'healthy';
        await round();
        for (const [i, org] of orgs.entries()) {
          if (org.failing) continue;
          const got = new Set(hooked.slice(hooksFrom).filter((s) => s.url.endsWith(`/${i}`)).map((s) => (JSON.parse(s.body) as { object?: { id: string } }).object?.id));
          for (const o of objects) if (o.owner !== i && seesAt(orgReader(i), o, 'initial') && seesAt(orgReader(i), o, 'mid')) expect(got.has(o.id), `org ${i}'s webhook told of ${o.id}`).toBe(true);
        }
        // 4. Re-shared again, after those deliveries were given up on: the dead-letter lists say only what is still shared.
        phase = 'final';
        hooksWork = 'all';
        await reshareTo(objects, 'final');
        for (const [i, org] of orgs.entries()) {
          const dead = await call(org.admin, 'GET', `/api/v1/org/webhooks/${org.hook}/dead-letters`);
          expect(dead.status).toBe(200);
          expect(leaks(dead.body, orgReader(i), 'final', objects), `dead letters of org ${i}`).toEqual([]);
          // 5. Replayed: sent only while still shared, and only what is shared.
          for (const d of (JSON.parse(dead.body) as { deliveries: { id: string }[] }).deliveries) {
            const res = await call(org.admin, 'POST', `/api/v1/org/webhooks/${org.hook}/dead-letters/${d.id}/replay`);
            expect(res.status, res.body).toBe(204);
          }
        }
        await round();
        for (const [i, org] of orgs.entries()) {
          if (!org.failing) continue;
          const got = new Set(hooked.slice(hooksFrom).filter((s) => s.url.endsWith(`/${i}`)).map((s) => (JSON.parse(s.body) as { object?: { id: string } }).object?.id));
          for (const o of objects) if (o.owner !== i && PHASES.every((p) => seesAt(orgReader(i), o, p))) expect(got.has(o.id), `org ${i}'s failing webhook told of ${o.id} once replayed`).toBe(true);
        }
        digestsSent += await checkSent(objects, hooksFrom, mailsFrom);
        // A webhook's refusals: another organization's webhook or delivery reads like one that does not exist.
        const [first, second] = orgs;
        if (first !== undefined && second !== undefined) {
          const theirs = (await notify.deliveries({ orgId: second.id, channel: 'webhook', recipient: second.hook, limit: 1 }))[0];
          for (const [method, path] of [
            ['GET', '/api/v1/org/webhooks/{id}/dead-letters'],
            ['PATCH', '/api/v1/org/webhooks/{id}'],
            ['DELETE', '/api/v1/org/webhooks/{id}'],
          ] as const) {
            const payload = method === 'PATCH' ? { enabled: true } : undefined;
            const [unseen, none] = [await call(first.admin, method, path.replace('{id}', second.hook), payload), await call(first.admin, method, path.replace('{id}', ABSENT_UUID), payload)];
            expect(same(unseen, second.hook), `${method} ${path} of another organization's webhook`).toBe(same(none, ABSENT_UUID));
          }
          if (theirs !== undefined) {
            const replay = (hook: string, d: string) => call(first.admin, 'POST', `/api/v1/org/webhooks/${hook}/dead-letters/${d}/replay`);
            expect(same(await replay(first.hook, theirs.id), theirs.id)).toBe(same(await replay(first.hook, ABSENT_UUID), ABSENT_UUID));
          }
        }

        await checkCentre(objects);
        await checkIncidents(objects);
        await checkSightings(objects);
        await checkSavedSearches(objects, saved);
        await checkAudit();
      }),
      { numRuns: dialect === 'sqlite' ? 4 : 2, endOnFailure: true },
    );
    // The property is not vacuous: digests went out, each checked above.
    expect(digestsSent).toBeGreaterThan(0);
  }, 600_000);

  /** Each person's notification centre: only what they may see now; someone else's alert reads like one that does not exist. */
  async function checkCentre(objects: readonly Obj[]): Promise<void> {
    const all = readers();
    for (const [k, { reader: r, person, org }] of all.entries()) {
      const centre = await call(person, 'GET', '/api/v1/notifications?limit=200');
      expect(centre.status).toBe(200);
      expect(leaks(centre.body, r, 'final', objects), `notification centre of org ${org}`).toEqual([]);
      const theirs = (JSON.parse(centre.body) as { items: { id: string }[] }).items[0];
      const other = all[(k + 2) % all.length];
      if (theirs === undefined || other === undefined) continue;
      const ack = (id: string) => call(other.person, 'POST', `/api/v1/notifications/${id}/acknowledge`);
      expect(same(await ack(theirs.id), theirs.id), 'acknowledging someone else’s alert').toBe(same(await ack(ABSENT_UUID), ABSENT_UUID));
    }
  }

  /** An incident's timeline, relationships and connections, and the refusals of its routes, for every person. */
  async function checkIncidents(objects: readonly Obj[]): Promise<void> {
    const incidents = objects.filter((o) => o.type === 'incident');
    const free = absent('incident');
    for (const { reader: r, person, org } of readers()) {
      const own = incidents.find((o) => o.owner === org);
      const indicator = objects.find((o) => o.type === 'indicator' && objects.every((x) => x.id !== o.id || (x.owner !== org && !seesAt(r, x, 'final'))));
      // One id may have records of several owners (an organization's own record under an id it could not see).
      for (const incident of incidents.filter((o, k) => incidents.findIndex((x) => x.id === o.id) === k)) {
        const timeline = await call(person, 'GET', `/api/v1/incidents/${incident.id}/timeline`);
        if (!incidents.some((x) => x.id === incident.id && seesAt(r, x, 'final'))) {
          expect(same(timeline, incident.id), `timeline of an unseen incident for org ${org}`).toBe(same(await call(person, 'GET', `/api/v1/incidents/${free}/timeline`), free));
          const writes = [
            ['/api/v1/incidents/{id}/case', { status: 'acknowledged' }],
            ['/api/v1/incidents/{id}/notes', { content: 'a note' }],
            ['/api/v1/incidents/{id}/links', { target_id: objects[0]?.id ?? free }],
            ['/api/v1/incidents/{id}/corroborations', { incident_id: own?.id ?? free }],
          ] as const;
          for (const [path, payload] of writes) {
            const [unseen, none] = [await call(person, 'POST', path.replace('{id}', incident.id), payload), await call(person, 'POST', path.replace('{id}', free), payload)];
            expect(same(unseen, incident.id), `POST ${path} of an unseen incident by org ${org}`).toBe(same(none, free));
          }
          continue;
        }
        expect(timeline.status).toBe(200);
        expect(leaks(timeline.body, r, 'final', objects), `timeline of ${incident.id} for org ${org}`).toEqual([]);
        const items = (JSON.parse(timeline.body) as { items: { kind: string; object: { id: string } }[] }).items;
        const notes = objects.filter((o) => o.type === 'note' && o.refs.includes(incident.id) && seesAt(r, o, 'final')).map((o) => o.id);
        expect(items.filter((x) => x.kind === 'note').map((x) => x.object.id).sort(), `notes on ${incident.id} for org ${org}`).toEqual(notes.sort());
        for (const path of ['related?limit=100', 'connections?limit=100']) {
          const res = await call(person, 'GET', `/api/v1/objects/${incident.id}/${path}`);
          expect(res.status).toBe(200);
          expect(leaks(res.body, r, 'final', objects), `${path} of ${incident.id} for org ${org}`).toEqual([]);
        }
      }
      // The owner linking its incident to an indicator it may not see reads as linking to one that does not exist.
      if (own !== undefined && indicator !== undefined && indicator.owner !== org) {
        const link = (id: string) => call(person, 'POST', `/api/v1/incidents/${own.id}/links`, { target_id: id });
        const none = absent('indicator');
        expect(same(await link(indicator.id), indicator.id), `linking to an unseen indicator by org ${org}`).toBe(same(await link(none), none));
      }
    }
  }

  /** The anonymous sighting summary (and the aggregate it is the same computation as), as the oracle counts. */
  async function checkSightings(objects: readonly Obj[]): Promise<void> {
    const free = absent('indicator');
    for (const { reader: r, person, org } of readers()) {
      for (const indicator of objects.filter((o, k) => o.type === 'indicator' && objects.findIndex((x) => x.id === o.id) === k)) {
        // Several organizations may hold a record of the id: the reader's counts are of the id, as far as it sees every record.
        const records = objects.filter((x) => x.id === indicator.id);
        const seesAll = records.every((x) => seesAt(r, x, 'final'));
        for (const path of ['/api/v1/objects/{id}/sightings/summary', '/api/v1/aggregates/sightings/{id}']) {
          const res = await call(person, 'GET', path.replace('{id}', indicator.id));
          if (!records.some((x) => seesAt(r, x, 'final'))) {
            expect(same(res, indicator.id), `${path} of an unseen indicator for org ${org}`).toBe(same(await call(person, 'GET', path.replace('{id}', free)), free));
            continue;
          }
          expect(res.status, res.body).toBe(200);
          expect(res.body.match(STIX_ID) ?? [], `${path} names nothing but the indicator`).toEqual([indicator.id]);
          expect(leaks(res.body, r, 'final', objects)).toEqual([]);
          const counted = objects.filter((s) => s.type === 'sighting' && s.refs[0] === indicator.id && (seesAt(r, s, 'final') || (seesAll && (s.counting ?? orgCounting.get(s.owner) ?? s.audience.final.some((k) => k === 'community' || k === 'public')))));
          const owners = [...new Set(counted.map((s) => s.owner))];
          const offices = owners.filter((i) => ['state', 'territory', 'local'].includes(orgs[i]?.kind ?? ''));
          const got = JSON.parse(res.body) as Record<string, unknown>;
          expect(
            { sightings: got['sightings'], jurisdictions: got['jurisdictions'], other_organizations: got['other_organizations'], organizations: got['organizations'], states: got['states'] },
            `${path} of ${indicator.id} for org ${org}`,
          ).toEqual({ sightings: counted.reduce((n, s) => n + s.count, 0), jurisdictions: offices.length, other_organizations: owners.length - offices.length, organizations: owners.length, states: new Set(offices.map((i) => orgs[i]?.fips)).size });
        }
      }
    }
  }

  type Saved = { readonly who: ReturnType<typeof readers>[number]; readonly o: Obj; readonly id: string };

  /** Each analyst saves a search for each base object's word (with its type, TLP and owner) and runs it: found exactly when they may see it in `p`. */
  async function saveSearches(objects: readonly Obj[], p: Phase): Promise<Saved[]> {
    const saved: Saved[] = [];
    for (const who of readers().filter((x) => x.person === orgs[x.org]?.analyst)) {
      for (const o of objects.filter((x) => x.type === 'indicator' || x.type === 'incident').slice(0, 3)) {
        const made = json<{ id: string }>(await call(who.person, 'POST', '/api/v1/me/saved-searches', { name: `search ${o.word}`, query: { q: o.word, type: o.type, tlp: o.tlp, owner: orgs[o.owner]?.id ?? '' } }), 'saved search');
        saved.push({ who, o, id: made.id });
      }
    }
    await runSaved(objects, saved, p);
    return saved;
  }

  /** Runs each saved search again as its person, as the list of saved searches holds it: found exactly when they may see its object in `p`. */
  async function runSaved(objects: readonly Obj[], saved: readonly Saved[], p: Phase): Promise<void> {
    for (const { who, o, id } of saved) {
      const mine = json<{ items: { id: string; query: Record<string, string> }[] }>(await call(who.person, 'GET', '/api/v1/me/saved-searches'), 'saved searches');
      expect(leaks(JSON.stringify(mine), who.reader, p, objects.filter((x) => x !== o && x.type !== 'indicator' && x.type !== 'incident'))).toEqual([]);
      const query = mine.items.find((x) => x.id === id)?.query;
      expect(query, `saved search ${id} is listed`).toBeDefined();
      const found = JSON.parse((await call(who.person, 'GET', `/api/v1/objects?${new URLSearchParams({ ...query, limit: '5' }).toString()}`)).body) as { total: number; items: { id: string }[] };
      const expected = seesAt(who.reader, o, p) ? [o.id] : [];
      expect([found.total, found.items.map((x) => x.id)], `saved search of ${o.word} for org ${who.org} (${p})`).toEqual([expected.length, expected]);
    }
  }

  /** The saved searches run again after the re-shares; someone else's saved search, and the watch rule it becomes, read like ones that do not exist. */
  async function checkSavedSearches(objects: readonly Obj[], saved: readonly Saved[]): Promise<void> {
    await runSaved(objects, saved, 'final');
    for (const { who, o, id } of saved) {
      const other = orgs[(who.org + 1) % orgs.length]?.analyst;
      if (other === undefined) continue;
      const [unseen, none] = [await call(other, 'DELETE', `/api/v1/me/saved-searches/${id}`), await call(other, 'DELETE', `/api/v1/me/saved-searches/${ABSENT_UUID}`)];
      expect(same(unseen, id)).toBe(same(none, ABSENT_UUID));
      const criteria = (JSON.parse((await call(who.person, 'GET', '/api/v1/me/saved-searches')).body) as { items: { id: string; watch_rule: { criteria: unknown } }[] }).items.find((x) => x.id === id)?.watch_rule.criteria;
      const rule = json<{ id: string }>(await call(who.person, 'POST', '/api/v1/me/watch-rules', { name: `watch ${o.word}`, criteria }), 'watch rule');
      for (const [method, payload] of [['PATCH', { enabled: false }], ['DELETE', undefined]] as const) {
        const [unseenRule, noRule] = [await call(other, method, `/api/v1/me/watch-rules/${rule.id}`, payload), await call(other, method, `/api/v1/me/watch-rules/${ABSENT_UUID}`, payload)];
        expect(same(unseenRule, rule.id), `${method} someone else's watch rule`).toBe(same(noRule, ABSENT_UUID));
      }
      json(await call(who.person, 'DELETE', `/api/v1/me/watch-rules/${rule.id}`), 'delete rule');
      json(await call(who.person, 'DELETE', `/api/v1/me/saved-searches/${id}`), 'delete');
    }
  }

  /** Each organization's audit trail: entries of its people or about its objects; ids of others' objects only in what its own people did. */
  async function checkAudit(): Promise<void> {
    const ever = (i: number, o: Obj) => o.owner === i || readers().some((x) => x.org === i && PHASES.some((p) => seesAt(x.reader, o, p))) || PHASES.some((p) => seesAt(orgReader(i), o, p));
    for (const [i, org] of orgs.entries()) {
      let after = 0;
      for (;;) {
        const page = json<{ entries: { seq: number; actor_org: string | null; subject_org: string | null; action: string; object_id: string | null; details: unknown }[]; next_after: number | null }>(
          await call(org.admin, 'GET', `/api/v1/org/audit?after=${after}&limit=1000`),
          'audit',
        );
        for (const e of page.entries) {
          const text = JSON.stringify(e);
          expect(e.actor_org === org.id || e.subject_org === org.id, `audit entry ${e.seq} of org ${i}: ${text}`).toBe(true);
          for (const id of text.match(STIX_ID) ?? []) {
            const records = everything.get(id);
            if (records === undefined) continue;
            const allowed = records.some((o) => (e.actor_org === org.id ? ever(i, o) : o.owner === i));
            expect(allowed, `audit entry ${e.seq} of org ${i} names ${id} of org ${records.map((o) => o.owner).join(', ')}: ${text}`).toBe(true);
          }
        }
        if (page.next_after === null) break;
        after = page.next_after;
      }
    }
  }

  // ---- A note named to an organization inside a sharing group ------------------------------------------------------

  it("a note's audience tells its writer nothing of the membership of groups it is not in", async () => {
    const sees = (r: ModelReader, owner: number, audience: readonly AudienceKey[]) => reaches(people, r, owner, 'amber', audience);
    await fc.assert(
      fc.asyncProperty(fc.record({ owner: fc.nat(5), keys: fc.array(keyChoice, { minLength: 1, maxLength: 3 }), writer: fc.nat(5), named: fc.nat(5) }), async (spec) => {
        const owner = orgs[spec.owner];
        const writer = orgs[spec.writer];
        const named = orgs[spec.named];
        // Shared with a group always, and with the writer by name when it is not inside otherwise.
        const group = people.groups.find((g) => g.members[spec.owner] === 'accepted');
        if (owner === undefined || writer === undefined || named === undefined || group === undefined) return;
        const keys = [...new Set([...audienceOf(spec.owner, 'amber', spec.keys), `group:${group.id}` as AudienceKey])];
        const audience = sees(orgReader(spec.writer), spec.owner, keys) ? keys : [...keys, `org:${writer.id}` as AudienceKey];
        const id = `incident--5e${HEX(++run, 6)}-0000-4000-8000-${HEX(++serial, 12)}`;
        const at = '2026-11-03T12:00:00.000Z';
        const object = { type: 'incident', spec_version: '2.1', id, created: at, modified: at, name: 'an incident', extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', incident_category: 'cyber', severity: 'low' } } };
        json(await call(owner.analyst, 'POST', '/api/v1/objects', { object, tlp: 'amber', audience }), 'incident');
        const res = await call(writer.analyst, 'POST', `/api/v1/incidents/${id}/notes`, { content: 'seen here', tlp: 'amber', audience: [`org:${named.id}`] });
        // Inside: named by the incident, in a state it names, or in one of its groups that the writer is in too (a group's members are shown to its members only).
        const inside =
          audience.includes(`org:${named.id}`) ||
          audience.some((k) => k === `state:${named.fips ?? ''}` && ['state', 'territory', 'local'].includes(named.kind)) ||
          people.groups.some((g) => audience.includes(`group:${g.id}`) && g.members[spec.named] === 'accepted' && g.members[spec.writer] === 'accepted');
        expect(res.status, `a note by org ${spec.writer} to org ${spec.named} on ${JSON.stringify(audience)}: ${res.body}`).toBe(inside ? 201 : 422);
      }),
      { numRuns: dialect === 'sqlite' ? 40 : 15 },
    );
  }, 300_000);

  // ---- Support requests ---------------------------------------------------------------------------------------------

  const supportArb = fc.array(
    fc.record({
      requester: fc.constantFrom(0, 1, 2, 3),
      provider: fc.constantFrom(4, 5),
      urgent: fc.boolean(),
      parties: fc.uniqueArray(fc.nat(5), { maxLength: 2 }),
      messages: fc.array(fc.nat(5), { maxLength: 3 }),
      action: fc.constantFrom<string | null>(null, 'accept', 'decline'),
    }),
    { minLength: 1, maxLength: 3 },
  );

  it('support requests, their messages and alerts reach only the organizations they were addressed to', async () => {
    await fc.assert(
      fc.asyncProperty(supportArb, async (spec) => {
        run += 1;
        const hooksFrom = hooked.length;
        const mailsFrom = mailer.sent.length;
        hooksWork = 'all';
        const requests: { id: string; orgs: Set<number>; words: string[] }[] = [];
        for (const [k, s] of spec.entries()) {
          const requester = orgs[s.requester];
          const provider = orgs[s.provider];
          if (requester === undefined || provider === undefined) continue;
          const w = `ws${HEX(run, 4)}${dialect.slice(0, 2)}r${k}`;
          const made = json<{ id: string }>(await call(requester.analyst, 'POST', '/api/v1/support/requests', { provider_org: provider.id, service: 'incident-response', title: `help ${w}t`, details: `details ${w}d`, urgent: s.urgent }), 'request');
          const request = { id: made.id, orgs: new Set<number>([s.requester, s.provider]), words: [`${w}t`, `${w}d`] };
          for (const p of s.parties) {
            const party = orgs[p];
            if (party === undefined || request.orgs.has(p)) continue;
            json(await call(requester.analyst, 'POST', `/api/v1/support/requests/${made.id}/parties`, { org_id: party.id }), 'party');
            request.orgs.add(p);
          }
          for (const [m, author] of s.messages.entries()) {
            const by = orgs[author];
            if (by === undefined) continue;
            const res = await call(by.analyst, 'POST', `/api/v1/support/requests/${made.id}/messages`, { body: `message ${w}m${m}` });
            if (request.orgs.has(author)) {
              expect(res.status, res.body).toBe(201);
              request.words.push(`${w}m${m}`);
            }
          }
          if (s.action !== null) json(await call(provider.analyst, 'POST', `/api/v1/support/requests/${made.id}/actions`, { action: s.action }), 'action');
          requests.push(request);
        }
        await round();
        const hiddenWords = (i: number) => requests.filter((r) => !r.orgs.has(i)).flatMap((r) => [r.id, ...r.words]);
        const found = (text: string, i: number) => hiddenWords(i).filter((w) => text.includes(w));
        for (const [i, org] of orgs.entries()) {
          for (const person of [org.admin, org.analyst]) {
            const list = await call(person, 'GET', '/api/v1/support/requests');
            const ids = (JSON.parse(list.body) as { items: { id: string }[] }).items.map((x) => x.id);
            expect(requests.filter((r) => r.orgs.has(i)).every((r) => ids.includes(r.id)), `support list of org ${i}`).toBe(true);
            expect(found(list.body, i), `support list of org ${i}`).toEqual([]);
            const notifications = await call(person, 'GET', '/api/v1/notifications?limit=200');
            expect(found(notifications.body, i), `notifications of org ${i}`).toEqual([]);
            for (const r of requests) {
              if (r.orgs.has(i)) {
                const detail = await call(person, 'GET', `/api/v1/support/requests/${r.id}`);
                expect(detail.status).toBe(200);
                expect(found(detail.body, i), `support request ${r.id} for org ${i}`).toEqual([]);
                continue;
              }
              // A request not addressed to the organization reads, on every route, like one that does not exist.
              for (const [method, path, payload] of [
                ['GET', '/api/v1/support/requests/{id}', undefined],
                ['POST', '/api/v1/support/requests/{id}/actions', { action: 'cancel' }],
                ['POST', '/api/v1/support/requests/{id}/messages', { body: 'may we help?' }],
                ['POST', '/api/v1/support/requests/{id}/parties', { org_id: org.id }],
              ] as const) {
                const [unseen, none] = [await call(person, method, path.replace('{id}', r.id), payload), await call(person, method, path.replace('{id}', ABSENT_UUID), payload)];
                expect(same(unseen, r.id), `${method} ${path} of a request not addressed to org ${i}`).toBe(same(none, ABSENT_UUID));
              }
            }
          }
        }
        const notify = notificationsStore(h.store.database);
        for (const sent of hooked.slice(hooksFrom)) {
          const i = Number(sent.url.slice(sent.url.lastIndexOf('/') + 1));
          expect(found(sent.body, i), `support webhook to org ${i}`).toEqual([]);
        }
        for (const mail of mailer.sent.slice(mailsFrom)) {
          const delivery = await notify.delivery(mail.deliveryId);
          const i = orgs.findIndex((o) => o.id === delivery?.org_id);
          if (i < 0) continue;
          expect(found(`${mail.subject}\n${mail.text}`, i), `support email to org ${i}`).toEqual([]);
        }
      }),
      { numRuns: dialect === 'sqlite' ? 4 : 2, endOnFailure: true },
    );
  }, 600_000);
});
