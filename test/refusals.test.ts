import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCommand } from '../src/cli/commands/import.ts';
import type { StixId } from '../src/domain/ids.ts';
import { openStore } from '../src/store/index.ts';
import { runCommand } from './helpers/cli.ts';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { tableRows, testDialects } from './helpers/store.ts';

/*
 * Issue 15 item 2 (docs/sharing-and-audit.md, "Refusals and ids you cannot see"): writing to an id the
 * caller cannot see is answered exactly like writing to an id nobody holds, on every write path, and
 * observables are recorded by each organization under its own sharing. "Exactly" is checked as the same
 * status and the same body once the id is replaced; the same code path runs for both (the store keeps
 * one record per id and owner, so the write goes to the caller's own record in both cases), which is
 * why no timing is measured here.
 */

const TAXII = 'application/taxii+json;version=2.1';
const IGNORED = { api_key: ['last_used_at'] };
const OPERATOR = { kind: 'operator' } as const;

const id = (n: number) => `indicator--${String(n).padStart(8, '0')}-7a7a-4a7a-8a7a-7a7a7a7a7a7a` as StixId;
const indicator = (n: number, extra: Record<string, unknown> = {}) => ({
  type: 'indicator',
  spec_version: '2.1',
  id: id(n),
  created: '2026-10-20T09:00:00.000Z',
  modified: '2026-10-20T09:00:00.000Z',
  name: 'Fake results page (fictional)',
  pattern: "[domain-name:value = 'results-county.example']",
  pattern_type: 'stix',
  valid_from: '2026-10-20T09:00:00Z',
  ...extra,
});
const domain = (value: string, n: number) => ({ type: 'domain-name', spec_version: '2.1', id: `domain-name--${String(n).padStart(8, '0')}-7b7b-5b7b-8b7b-7b7b7b7b7b7b`, value });

/** A body as text with `id` replaced, so that two answers about different ids compare. */
const modulo = (text: string, ...ids: string[]) => ids.reduce((t, i) => t.replaceAll(i, 'ID'), text);

describe.each(testDialects())('refusals reveal nothing the caller may not read (%s)', (dialect) => {
  let h: ComposedHub;
  let owner: Person; // holds objects nobody else may read
  let prober: Person; // tries ids it cannot see
  let sharer: Person; // shares with the community
  let reader: Person; // another community member

  beforeAll(async () => {
    h = await composedHub({}, dialect);
    const org = (name: string, state: string) => h.organization({ kind: 'local', name, state_fips: state });
    owner = await h.person(await org('Alder County Clerk (fictional)', '06'), 'owner');
    prober = await h.person(await org('Birch Falls Town Clerk (fictional)', '55'), 'prober');
    sharer = await h.person(await org('Cedar Township Clerk (fictional)', '55'), 'sharer');
    reader = await h.person(await org('Dune Village Clerk (fictional)', '48'), 'reader');
    // Objects only their owner may read: AMBER+STRICT, shared with the owner's organization alone.
    for (const n of [1, 2, 3, 4]) {
      const res = await rest(owner, 'POST', '/api/v1/objects', { object: indicator(n, { name: 'Secret lead (fictional)' }), tlp: 'amber+strict', audience: [`org:${owner.orgId}`] });
      expect(res.statusCode, res.body).toBe(201);
    }
  });
  afterAll(() => h.close());

  const rest = (who: Person, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    h.hub.app.inject({ method, url, headers: { authorization: `Bearer ${who.key}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const upload = (who: Person, objects: unknown[], query = '') =>
    h.hub.app.inject({
      method: 'POST',
      url: `/api/v1/import${query}`,
      headers: { authorization: `Bearer ${who.key}`, 'content-type': 'application/stix+json' },
      payload: JSON.stringify({ type: 'bundle', id: 'bundle--7c7c7c7c-7c7c-4c7c-8c7c-7c7c7c7c7c7c', objects }),
    });
  const taxii = (who: Person, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown) =>
    h.hub.app.inject({
      method,
      url: `/taxii2/rampart/${path}`,
      headers: { authorization: `Bearer ${who.key}`, accept: TAXII, ...(body === undefined ? {} : { 'content-type': TAXII }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  /** A TAXII status resource without what differs between any two requests (its own id and time). */
  const statusOf = (text: string, ...ids: string[]) => {
    const { id: _id, request_timestamp: _at, ...rest } = JSON.parse(modulo(text, ...ids)) as Record<string, unknown>;
    return rest;
  };
  const ownersRecord = async (i: StixId) => (await h.store.stix.versions(OPERATOR, i)).filter((v) => v.sharing.owner === owner.orgId).map((v) => [v.json, v.sharing, v.isLatest]);
  const rows = () => tableRows(h.store.database, IGNORED);

  it('REST POST /api/v1/objects: an id held out of sight is answered like a free id, refusals included, and the hidden record stays as it was', async () => {
    const [hidden, free] = [1, 101];
    const kept = await ownersRecord(id(hidden));
    // Refused in both cases, the same way, storing nothing.
    const before = await rows();
    const refusals = async (n: number) => [
      await rest(prober, 'POST', '/api/v1/objects', { object: indicator(n), tlp: 'amber+strict', audience: ['community'] }),
      await rest(prober, 'POST', '/api/v1/objects', { object: indicator(n, { created_by_ref: owner.orgId }) }),
      await rest(prober, 'POST', '/api/v1/objects', { object: indicator(n, { pattern: "[domain-name:value = 'x'" }) }),
    ];
    const [held, unheld] = [await refusals(hidden), await refusals(free)];
    for (const [i, res] of held.entries()) {
      expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
      expect([res.statusCode, modulo(res.body, id(hidden))]).toEqual([unheld[i]?.statusCode, modulo(unheld[i]?.body ?? '', id(free))]);
    }
    expect(await rows()).toEqual(before);
    // Accepted in both cases, the same way: the hidden id becomes the prober's own record.
    const [a, b] = [await rest(prober, 'POST', '/api/v1/objects', { object: indicator(hidden), tlp: 'green', audience: ['community'] }), await rest(prober, 'POST', '/api/v1/objects', { object: indicator(free), tlp: 'green', audience: ['community'] })];
    expect([a.statusCode, modulo(a.body, id(hidden))]).toEqual([201, modulo(b.body, id(free))]);
    expect(a.json<{ outcome: string; sharing: { owner: string } }>()).toMatchObject({ outcome: 'added', sharing: { owner: prober.orgId } });
    expect(await ownersRecord(id(hidden))).toEqual(kept);
    // Each reads its own record; the community reads the prober's, never the owner's.
    const of = async (who: Person) => (await rest(who, 'GET', `/api/v1/objects/${id(hidden)}`)).json<{ object: { name: string }; sharing: { owner: string }; versions: unknown[] }>();
    expect(await of(owner)).toMatchObject({ object: { name: 'Secret lead (fictional)' }, sharing: { owner: owner.orgId }, versions: [expect.anything()] });
    expect(await of(prober)).toMatchObject({ object: { name: 'Fake results page (fictional)' }, sharing: { owner: prober.orgId }, versions: [expect.anything()] });
    expect(await of(reader)).toMatchObject({ sharing: { owner: prober.orgId } });
    const listed = await rest(reader, 'GET', '/api/v1/objects?type=indicator&limit=100');
    expect(listed.body).not.toContain('Secret lead');
  });

  it('REST import: an id held out of sight is answered like a free id, and a refused upload stores nothing', async () => {
    const [hidden, free] = [2, 102];
    const kept = await ownersRecord(id(hidden));
    const before = await rows();
    const [x, y] = [await upload(prober, [indicator(hidden), indicator(900, { pattern: 'not a pattern' })]), await upload(prober, [indicator(free), indicator(900, { pattern: 'not a pattern' })])];
    expect([x.statusCode, modulo(x.body, id(hidden))]).toEqual([422, modulo(y.body, id(free))]);
    expect(await rows()).toEqual(before);
    const [a, b] = [await upload(prober, [indicator(hidden)], '?audience=community'), await upload(prober, [indicator(free)], '?audience=community')];
    expect([a.statusCode, modulo(a.body, id(hidden))]).toEqual([200, modulo(b.body, id(free))]);
    expect(a.json()).toMatchObject({ added: 1, rejected: 0 });
    expect(await ownersRecord(id(hidden))).toEqual(kept);
  });

  it('TAXII POST: the status resource (and the status read back) is the same for an id held out of sight as for a free id', async () => {
    const [hidden, free] = [3, 103];
    const kept = await ownersRecord(id(hidden));
    const post = async (objects: unknown[]) => {
      const res = await taxii(prober, 'POST', 'collections/my-organization/objects/', { objects });
      expect(res.statusCode, res.body).toBe(202);
      const again = await taxii(prober, 'GET', `status/${res.json<{ id: string }>().id}/`);
      return [res.body, again.body] as const;
    };
    // A refusal in the status resource: created_by_ref naming another organization.
    const before = await rows();
    const [r1, r2] = [await post([indicator(hidden, { created_by_ref: owner.orgId })]), await post([indicator(free, { created_by_ref: owner.orgId })])];
    for (const i of [0, 1] as const) expect(statusOf(r1[i], id(hidden))).toEqual(statusOf(r2[i], id(free)));
    expect(statusOf(r1[0])).toMatchObject({ success_count: 0, failure_count: 1 });
    const after = await rows();
    for (const t of [before, after]) t.delete('taxii_status');
    expect(after).toEqual(before);
    // Accepted: the same successes.
    const [s1, s2] = [await post([indicator(hidden)]), await post([indicator(free)])];
    for (const i of [0, 1] as const) expect(statusOf(s1[i], id(hidden))).toEqual(statusOf(s2[i], id(free)));
    expect(statusOf(s1[0])).toMatchObject({ success_count: 1, failure_count: 0 });
    expect(await ownersRecord(id(hidden))).toEqual(kept);
  });

  it('re-share, revoke and TAXII DELETE of an id held out of sight are the same 404 as for an id nobody holds, and change nothing', async () => {
    const [hidden, free] = [id(4), id(104)];
    const before = await rows();
    const calls = [
      (i: StixId) => rest(prober, 'PUT', `/api/v1/objects/${i}/sharing`, { audience: ['community'] }),
      (i: StixId) => rest(prober, 'POST', `/api/v1/objects/${i}/revoke`, {}),
      (i: StixId) => taxii(prober, 'DELETE', `collections/my-organization/objects/${i}/`),
      (i: StixId) => taxii(prober, 'DELETE', `collections/community/objects/${i}/`),
    ];
    for (const call of calls) {
      const [held, unheld] = [await call(hidden), await call(free)];
      expect([held.statusCode, modulo(held.body, hidden)]).toEqual([404, modulo(unheld.body, free)]);
      expect(held.body).not.toContain(owner.orgId);
    }
    expect(await rows()).toEqual(before);
  });

  it('an object of another organization that the caller may see is refused as not-owner on every path, naming that owner, and nothing is stored', async () => {
    const shared = indicator(5, { name: 'Shared lead (fictional)' });
    expect((await rest(sharer, 'POST', '/api/v1/objects', { object: shared, tlp: 'green', audience: ['community'] })).statusCode).toBe(201);
    const newer = { ...shared, modified: '2026-10-21T09:00:00.000Z', name: 'Taken over (fictional)' };
    const before = await rows();
    const posted = await rest(prober, 'POST', '/api/v1/objects', { object: newer, tlp: 'green', audience: ['community'] });
    expect([posted.statusCode, posted.json<{ code: string }>().code]).toEqual([403, 'not-owner']);
    expect(posted.json<{ detail: string }>().detail).toContain(sharer.orgId);
    const imported = await upload(prober, [newer], '?audience=community');
    expect(imported.statusCode).toBe(422);
    expect(imported.json<{ errors: { code: string }[] }>().errors).toEqual([expect.objectContaining({ code: 'not-owner' })]);
    for (const call of [() => rest(prober, 'PUT', `/api/v1/objects/${id(5)}/sharing`, { audience: [`org:${sharer.orgId}`] }), () => rest(prober, 'POST', `/api/v1/objects/${id(5)}/revoke`, {})]) {
      const res = await call();
      expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([403, 'not-owner']);
    }
    const viaTaxii = await taxii(prober, 'POST', 'collections/community/objects/', { objects: [newer] });
    expect(viaTaxii.json<{ failures: { message: string }[] }>().failures[0]?.message).toContain('only its owner may publish versions of it');
    const after = await rows();
    for (const t of [before, after]) t.delete('taxii_status');
    expect(after).toEqual(before);
  });
});

describe.each(testDialects())('observables are recorded by every organization under its own sharing (%s)', (dialect) => {
  let h: ComposedHub;
  let first: Person;
  let second: Person;
  let third: Person;
  const C2 = domain('secret-c2.example', 1);
  const FRESH = domain('fresh-c2.example', 2);

  beforeAll(async () => {
    h = await composedHub({}, dialect);
    const org = (name: string, state: string) => h.organization({ kind: 'local', name, state_fips: state });
    first = await h.person(await org('Elm County Clerk (fictional)', '06'), 'first');
    second = await h.person(await org('Fir Town Clerk (fictional)', '55'), 'second');
    third = await h.person(await org('Gum City Clerk (fictional)', '48'), 'third');
  });
  afterAll(() => h.close());

  const rest = (who: Person, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    h.hub.app.inject({ method, url, headers: { authorization: `Bearer ${who.key}` }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const taxiiIds = async (who: Person, path: string) => {
    const res = await h.hub.app.inject({ method: 'GET', url: `/taxii2/rampart/collections/${path}`, headers: { authorization: `Bearer ${who.key}`, accept: TAXII } });
    return res.statusCode === 404 ? [] : (res.json<{ objects?: { id: string; value: string }[] }>().objects ?? []);
  };
  /** Whose records of the observable `who` reads on each path, each as the owner's organization id. */
  const seenBy = async (who: Person): Promise<Record<string, unknown>> => {
    const list = await rest(who, 'GET', '/api/v1/objects?type=domain-name&limit=100');
    const one = await rest(who, 'GET', `/api/v1/objects/${C2.id}`);
    const exported = await rest(who, 'GET', '/api/v1/export?versions=all&type=domain-name');
    return {
      list: list.json<{ items: { id: string }[] }>().items.filter((o) => o.id === C2.id).length,
      one: one.statusCode === 200 ? one.json<{ sharing: { owner: string } }>().sharing.owner : one.statusCode,
      exported: exported.json<{ objects: { id: string }[] }>().objects.filter((o) => o.id === C2.id).length,
      taxiiCommunity: (await taxiiIds(who, `community/objects/${C2.id}/`)).length,
    };
  };

  it('two organizations record the same observable with different sharing; each reader sees exactly the records shared with it', async () => {
    // The first records it for itself alone.
    const mine = await rest(first, 'POST', '/api/v1/objects', { object: C2, tlp: 'amber+strict', audience: [`org:${first.orgId}`] });
    expect(mine.statusCode, mine.body).toBe(201);
    // The second publishing the same value learns nothing: the answer is the one for a value nobody recorded.
    const [held, unheld] = [await rest(second, 'POST', '/api/v1/objects', { object: C2, tlp: 'green', audience: ['community'] }), await rest(second, 'POST', '/api/v1/objects', { object: FRESH, tlp: 'green', audience: ['community'] })];
    expect([held.statusCode, modulo(held.body, C2.id, C2.value)]).toEqual([201, modulo(unheld.body, FRESH.id, FRESH.value)]);
    expect(held.json<{ outcome: string; sharing: unknown }>()).toMatchObject({ outcome: 'added', sharing: { owner: second.orgId, tlp: 'green', audience: ['community'] } });
    expect(await h.store.stix.count(OPERATOR, { types: ['domain-name'], ids: [C2.id as StixId] })).toBe(2);

    // The first sees both (the second's is shared with the community), its own first; the others only the second's.
    expect(await seenBy(first)).toEqual({ list: 2, one: first.orgId, exported: 2, taxiiCommunity: 1 });
    expect(await seenBy(second)).toEqual({ list: 1, one: second.orgId, exported: 1, taxiiCommunity: 1 });
    expect(await seenBy(third)).toEqual({ list: 1, one: second.orgId, exported: 1, taxiiCommunity: 1 });
    // Seeing another organization's record of an observable does not stop anyone recording it: no not-owner for observables.
    const fourth = await h.person(await h.organization({ kind: 'local', name: 'Hazel Borough Clerk (fictional)', state_fips: '48' }), 'fourth');
    const recorded = await rest(fourth, 'POST', '/api/v1/objects', { object: C2, tlp: 'amber', audience: [`org:${fourth.orgId}`] });
    expect(recorded.statusCode, recorded.body).toBe(201);
    expect(recorded.json()).toMatchObject({ outcome: 'added', sharing: { owner: fourth.orgId } });
    expect(await seenBy(third)).toEqual({ list: 1, one: second.orgId, exported: 1, taxiiCommunity: 1 });

    // Each owner re-shares its own record only: the second narrows to itself; the first's stays as it was.
    const firstRecord = (await h.store.stix.versions(OPERATOR, C2.id as StixId)).filter((v) => v.sharing.owner === first.orgId);
    const narrowed = await rest(second, 'PUT', `/api/v1/objects/${C2.id}/sharing`, { audience: [`org:${second.orgId}`] });
    expect(narrowed.statusCode, narrowed.body).toBe(200);
    expect((await h.store.stix.versions(OPERATOR, C2.id as StixId)).filter((v) => v.sharing.owner === first.orgId)).toEqual(firstRecord);
    expect(await seenBy(third)).toEqual({ list: 0, one: 404, exported: 0, taxiiCommunity: 0 });
    expect(await seenBy(first)).toEqual({ list: 1, one: first.orgId, exported: 1, taxiiCommunity: 0 });
    // The third records it too, on its own terms, whatever the others hold.
    const third1 = await rest(third, 'POST', '/api/v1/objects', { object: C2, tlp: 'green', audience: [`org:${third.orgId}`] });
    expect([third1.statusCode, third1.json<{ outcome: string }>().outcome]).toEqual([201, 'added']);
    expect(await seenBy(third)).toMatchObject({ list: 1, one: third.orgId });
  });
});

describe('rampart import (the operator, who sees every record)', () => {
  it("refuses an object of another owner by the same rule, naming it, storing nothing; an observable is recorded by each owner", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rampart-refusals-'));
    const dbFile = path.join(dir, 'cli.sqlite');
    const A = 'identity--0a0a0a0a-0a0a-4a0a-8a0a-0a0a0a0a0a0a';
    const B = 'identity--0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b';
    const file = (name: string, objects: unknown[]) => {
      const at = path.join(dir, name);
      writeFileSync(at, JSON.stringify({ type: 'bundle', id: 'bundle--7d7d7d7d-7d7d-4d7d-8d7d-7d7d7d7d7d7d', objects }));
      return at;
    };
    const C2 = domain('secret-c2.example', 3);
    expect((await runCommand(importCommand(), ['--db', dbFile, '--owner', A, file('a.json', [indicator(7, { created_by_ref: A }), C2])])).exit).toBe(0);
    const check = async () => {
      const store = await openStore({ url: dbFile });
      try {
        return await tableRows(store.database);
      } finally {
        await store.close();
      }
    };
    const before = await check();
    const taken = await runCommand(importCommand(), ['--db', dbFile, file('b.json', [indicator(7, { created_by_ref: B, modified: '2026-10-22T09:00:00.000Z' })])]);
    expect(taken.exit).toBe(1);
    expect(taken.out).toContain(`[not-owner] ${id(7)} is an object of ${A}`);
    expect(await check()).toEqual(before);
    const observed = await runCommand(importCommand(), ['--db', dbFile, '--owner', B, file('c.json', [C2])]);
    expect([observed.exit, observed.out]).toEqual([0, expect.stringContaining('1 added')]);
    const store = await openStore({ url: dbFile });
    try {
      expect((await store.stix.versions({ kind: 'operator' }, C2.id as StixId)).map((v) => v.sharing.owner).sort()).toEqual([A, B]);
    } finally {
      await store.close();
    }
  });
});
