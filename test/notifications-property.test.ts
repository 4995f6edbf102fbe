import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/accounts/api-keys.ts';
import { OPERATOR } from '../src/accounts/context.ts';
import { createOrganization, seedOrganizations } from '../src/accounts/organizations.ts';
import { createUser } from '../src/accounts/users.ts';
import type { OrgId } from '../src/domain/ids.ts';
import type { Tlp } from '../src/domain/tlp.ts';
import { composeHub, type Hub } from '../src/hub/compose.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import { notificationsStore } from '../src/store/notifications.ts';
import { indicator, memoryMailer, post, reshare } from './helpers/notifications.ts';
import { testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';
import { TEST_POLICY } from './helpers/accounts.ts';

/*
 * "Nobody is told what was not shared with them", for alerts: random objects with random TLP and
 * audience, narrowed or widened after they were matched and before their email went out, and the
 * emails that were sent compared with an oracle written here from DESIGN.md. Every person watches
 * everything (a rule with no criteria), so the oracle's answer is exactly who must be emailed.
 */

type Kind = 'state' | 'local' | 'federal';
interface ModelOrg {
  readonly id: OrgId;
  readonly kind: Kind;
  readonly fips: string | null;
  readonly people: readonly { readonly id: string; readonly email: string; readonly key: string }[];
}

/** Whether a person of `org` may see an object of `owner` shared with `audience` — the definitions alone. */
function oracle(org: ModelOrg, personId: string, owner: OrgId, audience: readonly string[]): boolean {
  if (org.id === owner) return true;
  return audience.some((key) => {
    if (key === 'public' || key === 'community') return true;
    const [kind, value] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    if (kind === 'org') return value === org.id;
    if (kind === 'state') return (org.kind === 'state' || org.kind === 'local') && org.fips === value;
    if (kind === 'user') return value === personId;
    throw new Error(`oracle: unknown key ${key}`);
  });
}

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;

describe.each(testDialects())('alert delivery against the sharing oracle on %s', (dialect) => {
  let db: TestDatabase;
  let store: RampartStore;
  let hub: Hub;
  let orgs: ModelOrg[] = [];
  let now = Date.parse('2026-11-03T13:00:00.000Z');
  const mailer = memoryMailer();

  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    hub = await composeHub({ store, hubOwner: HUB, authPolicy: TEST_POLICY, clock: { now: () => new Date(now) }, notifications: { mailer } });
    const seeded = await seedOrganizations(store);
    if (!seeded.ok) throw new Error(seeded.error.message);
    const ctx = hub.auth.context;
    const all = await ctx.accounts.listOrganizations();
    const stateOf = (fips: string) => all.find((o) => o.kind === 'state' && o.state_fips === fips);
    const cisa = all.find((o) => o.short_name === 'CISA');
    const wi = stateOf('55');
    const il = stateOf('17');
    if (wi === undefined || il === undefined || cisa === undefined) throw new Error('seed is missing an organization');
    const picked: { id: OrgId; kind: Kind; fips: string | null }[] = [
      { id: wi.id, kind: 'state', fips: '55' },
      { id: il.id, kind: 'state', fips: '17' },
      { id: cisa.id, kind: 'federal', fips: null },
    ];
    for (const [name, fips] of [['Oak County Clerk (fictional)', '55'], ['Elm Town Clerk (fictional)', '55'], ['Pine County Clerk (fictional)', '17']] as const) {
      const made = await createOrganization(ctx, OPERATOR, { kind: 'local', name, state_fips: fips });
      if (!made.ok) throw new Error(made.error.message);
      picked.push({ id: made.value.id, kind: 'local', fips });
    }
    const notify = notificationsStore(store.database);
    orgs = [];
    for (const [i, org] of picked.entries()) {
      const people = [];
      for (let p = 0; p < 2; p++) {
        const email = `p${p}-org${i}@oracle.example`;
        const made = await createUser(ctx, OPERATOR, { email, name: email, role: 'analyst', password: 'correct horse battery staple', org_id: org.id });
        if (!made.ok) throw new Error(made.error.message);
        const row = await ctx.accounts.userByEmail(email);
        if (row === null) throw new Error('user not stored');
        const key = await createApiKey(ctx, OPERATOR, row, { name: 'oracle', scope: 'write' });
        if (!key.ok) throw new Error(key.error.message);
        // Everything newly shared with this person: emailed at once to the first, in the daily digest to the second.
        await notify.insertRule({ id: randomUUID(), org_id: org.id, user_id: row.id, name: 'Everything', criteria: '{}', email: p === 0 ? 'immediate' : 'digest', enabled: 1, created_at: now, updated_at: now });
        people.push({ id: row.id, email, key: key.value.key });
      }
      orgs.push({ ...org, people });
    }
    await hub.notifier.round();
  }, 120_000);
  afterAll(async () => {
    await hub.app.close();
    await store.close();
    await db.drop();
  });

  /** An audience the TLP allows (DESIGN.md), from the world's organizations, states and people. */
  const audienceFor = (tlp: Tlp): fc.Arbitrary<string[]> => {
    const orgKeys = orgs.map((o) => `org:${o.id}`);
    const stateKeys = ['state:55', 'state:17'];
    const userKeys = orgs.flatMap((o) => o.people.map((p) => `user:${p.id}`));
    const some = (keys: string[]) => fc.uniqueArray(fc.constantFrom(...keys), { minLength: 1, maxLength: 3 });
    switch (tlp) {
      case 'clear':
        return fc.constantFrom<string[]>(['public'], ['community']);
      case 'green':
        return fc.oneof(fc.constant<string[]>(['community']), some([...orgKeys, ...stateKeys]));
      case 'amber':
        return some([...orgKeys, ...stateKeys]);
      case 'amber+strict':
        return some(orgKeys);
      case 'red':
        return some(userKeys);
    }
  };

  const objectArb = () =>
    fc
      .record({ owner: fc.nat({ max: 5 }), tlp: fc.constantFrom<Tlp>('clear', 'green', 'amber', 'amber+strict', 'red'), reshare: fc.boolean() })
      .chain((o) => fc.record({ owner: fc.constant(o.owner), tlp: fc.constant(o.tlp), initial: audienceFor(o.tlp), final: o.reshare ? audienceFor(o.tlp).map((a) => a as string[] | null) : fc.constant(null) }));

  it('emails each person exactly what is shared with them when the email goes out (at once or in the daily digest), and nothing of AMBER+STRICT or RED but that it exists', async () => {
    const notify = notificationsStore(store.database);
    await fc.assert(
      fc.asyncProperty(fc.array(objectArb(), { minLength: 1, maxLength: 4 }), async (objects) => {
        mailer.sent.length = 0;
        // The first round matches with the first sharing; its emails fail and wait for a retry.
        mailer.failing = true;
        const posted: { id: string; name: string; owner: ModelOrg; tlp: Tlp; audience: readonly string[] }[] = [];
        for (const o of objects) {
          const owner = orgs[o.owner];
          const writer = owner?.people[0];
          if (owner === undefined || writer === undefined) throw new Error('no such org');
          const name = `Oracle object ${randomUUID()}`;
          const made = indicator(name, "[ipv4-addr:value = '198.51.100.1']");
          await post(hub, writer.key, made.object, o.tlp, o.initial);
          posted.push({ id: made.id, name, owner, tlp: o.tlp, audience: o.initial });
        }
        await hub.notifier.round();
        for (const [i, o] of objects.entries()) {
          const p = posted[i];
          const writer = p?.owner.people[0];
          if (o.final === null || p === undefined || writer === undefined) continue;
          await reshare(hub, writer.key, p.id, o.tlp, o.final);
          hub.notifier.changed({ kind: 'reshared', id: p.id });
          posted[i] = { ...p, audience: o.final };
        }
        // What a widening re-share showed to more people is matched before time moves on (its emails fail too).
        await hub.notifier.round();
        mailer.failing = false;
        // A day later: the retries and the daily digests are due, each checked against the sharing as it is then.
        now += 24 * 3_600_000;
        await hub.notifier.round();

        const sent = new Set<string>();
        for (const mail of mailer.sent) {
          const delivery = await notify.delivery(mail.deliveryId);
          const object = posted.find((p) => p.id === delivery?.object_id);
          if (delivery === null || object === undefined) continue;
          const person = orgs.flatMap((org) => org.people.map((p) => ({ org, p }))).find((x) => x.p.id === delivery.recipient);
          expect(person?.p.email).toBe(mail.to);
          if (object.tlp === 'amber+strict' || object.tlp === 'red') expect(mail.text + mail.subject).not.toContain(object.name);
          else expect(mail.subject).toContain(object.name);
          const key = `${delivery.recipient}|${object.id}`;
          expect(sent.has(key), `${key} emailed twice`).toBe(false);
          sent.add(key);
        }
        // A digest names no delivery: its rows delivered in this round say what it held (what this run posted checked against its text).
        for (const org of orgs) {
          for (const person of org.people) {
            const rows = (await notify.deliveries({ recipient: person.id, channel: 'email', state: 'delivered', limit: 500 })).filter((d) => d.mode === 'digest' && d.done_at === now);
            const digests = mailer.sent.filter((m) => m.to === person.email && m.subject.includes('daily digest'));
            expect(digests).toHaveLength(rows.length === 0 ? 0 : 1);
            const digest = digests[0];
            if (digest === undefined) continue;
            expect(digest.subject).toContain(`digest: ${rows.length} item`);
            for (const row of rows) {
              const object = posted.find((p) => p.id === row.object_id);
              if (object === undefined) continue;
              if (object.tlp === 'amber+strict' || object.tlp === 'red') expect(digest.text).not.toContain(object.name);
              else expect(digest.text).toContain(object.name);
              sent.add(`${person.id}|${object.id}`);
            }
          }
        }
        const expected = new Set<string>();
        for (const object of posted) {
          for (const org of orgs) {
            if (org.id === object.owner.id) continue; // nobody is told of what their own organization published
            for (const person of org.people) if (oracle(org, person.id, object.owner.id, object.audience)) expected.add(`${person.id}|${object.id}`);
          }
        }
        expect([...sent].sort()).toEqual([...expected].sort());
      }),
      { numRuns: 12 },
    );
  }, 300_000);
});
