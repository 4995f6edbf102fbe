import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { testDialects } from './helpers/store.ts';

/**
 * Nothing non-public ever reaches the transparency log: random mixes of objects at every TLP and audience,
 * joint statements at every TLP a statement may have, corrections, and platform shares of any of those
 * objects. The oracle, independent of the code under test: an object's id may appear in the log only when
 * it was written TLP:CLEAR with audience public, and the words of any other object never appear at all.
 */
type Sharing = 'clear-public' | 'clear-community' | 'green' | 'amber-org' | 'amber-with-platform' | 'amber-strict-platform' | 'red';
const SHARINGS: readonly Sharing[] = ['clear-public', 'clear-community', 'green', 'amber-org', 'amber-with-platform', 'amber-strict-platform', 'red'];
type Action = { readonly kind: 'object'; readonly sharing: Sharing } | { readonly kind: 'statement'; readonly tlp: 'clear' | 'green' | 'amber' } | { readonly kind: 'correction' } | { readonly kind: 'share'; readonly pick: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constantFrom(...SHARINGS).map((sharing): Action => ({ kind: 'object', sharing })),
  fc.constantFrom('clear' as const, 'green' as const, 'amber' as const).map((tlp): Action => ({ kind: 'statement', tlp })),
  fc.constant<Action>({ kind: 'correction' }),
  fc.nat(50).map((pick): Action => ({ kind: 'share', pick })),
);

describe.each(testDialects())('only public things reach the transparency log (%s)', (dialect) => {
  let h: ComposedHub;
  let state: Person;
  let clerk: Person;
  let platform: Person;
  let run = 0;

  async function call(who: Person | null, method: 'GET' | 'POST', url: string, payload?: unknown) {
    const res = await h.hub.app.inject({ method, url, headers: who === null ? {} : { authorization: `Bearer ${who.key}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.body.startsWith('{') ? res.json<Record<string, unknown>>() : {}, text: res.body };
  }
  const sharingOf = (s: Sharing): { tlp: string; audience: string[] } => {
    switch (s) {
      case 'clear-public':
        return { tlp: 'clear', audience: ['public'] };
      case 'clear-community':
        return { tlp: 'clear', audience: ['community'] };
      case 'green':
        return { tlp: 'green', audience: ['community'] };
      case 'amber-org':
        return { tlp: 'amber', audience: [`org:${state.orgId}`] };
      case 'amber-with-platform':
        return { tlp: 'amber', audience: [`org:${state.orgId}`, `org:${platform.orgId}`] };
      case 'amber-strict-platform':
        return { tlp: 'amber+strict', audience: [`org:${platform.orgId}`] };
      case 'red':
        return { tlp: 'red', audience: [`user:${state.userId}`] };
    }
  };

  beforeAll(async () => {
    h = await composedHub({ transparencyCheckpointMs: 0 }, dialect);
    state = await h.person(await h.state('55'), 'State analyst');
    clerk = await h.person(await h.organization({ kind: 'local', name: 'Dane County Clerk (fictional)', state_fips: '55' }), 'Clerk');
    platform = await h.person(await h.organization({ kind: 'private', name: 'Example Social (fictional)', partner_type: 'platform' }), 'Trust and safety');
  });
  afterAll(async () => {
    await h.close();
  });

  it('logs public objects only, whatever the mix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 8 }), async (actions) => {
        run++;
        const before = Number((await call(null, 'GET', '/api/v1/public/transparency/entries?limit=1')).body['size']);
        const objects: { id: string; marker: string; isPublic: boolean; platformSees: boolean }[] = [];
        const publicIds = new Set<string>();
        const secrets: string[] = [];
        let expectedEntries = 0;
        for (const [i, a] of actions.entries()) {
          const marker = `secret-${run}-${i}-${dialect}`;
          switch (a.kind) {
            case 'object': {
              const { tlp, audience } = sharingOf(a.sharing);
              const id = `report--${crypto.randomUUID()}`;
              const res = await call(state, 'POST', '/api/v1/objects', { object: { type: 'report', spec_version: '2.1', id, created: '2026-10-01T00:00:00.000Z', modified: '2026-10-01T00:00:00.000Z', name: marker, description: marker, published: '2026-10-01T00:00:00.000Z', object_refs: [state.orgId] }, tlp, audience });
              expect(res.status, res.text).toBe(201);
              const isPublic = a.sharing === 'clear-public';
              objects.push({ id, marker, isPublic, platformSees: ['clear-public', 'clear-community', 'green', 'amber-with-platform', 'amber-strict-platform'].includes(a.sharing) });
              if (isPublic) expectedEntries++;
              else secrets.push(id, marker);
              break;
            }
            case 'statement': {
              const draft = await call(state, 'POST', '/api/v1/statements', { title: marker, text: marker, cosigners: [clerk.orgId], tlp: a.tlp });
              const id = String(draft.body['id']);
              for (const who of [state, clerk]) {
                const hash = String((await call(who, 'GET', `/api/v1/statements/${id}`)).body['content_hash']);
                expect((await call(who, 'POST', `/api/v1/statements/${id}/approve`, { content_hash: hash })).status).toBe(200);
              }
              const published = await call(state, 'POST', `/api/v1/statements/${id}/publish`);
              expect(published.status, published.text).toBe(201);
              const stixId = String((published.body['object'] as { id: string }).id);
              if (a.tlp === 'clear') {
                publicIds.add(stixId);
                expectedEntries++;
              } else secrets.push(stixId, marker);
              break;
            }
            case 'correction': {
              const res = await call(clerk, 'POST', '/api/v1/corrections', { title: `Correction ${marker}`, rumour: 'A false claim.', reality: 'The facts.', official_links: [{ title: 'Facts', url: 'https://elections.wi.gov/' }], state_fips: '55', phase: 'before' });
              expect(res.status, res.text).toBe(201);
              publicIds.add(String((res.body['object'] as { id: string }).id));
              expectedEntries++;
              break;
            }
            case 'share': {
              const target = objects[a.pick % Math.max(objects.length, 1)];
              if (target === undefined) break;
              const res = await call(state, 'POST', '/api/v1/platform-shares', { object_id: target.id, platform: platform.orgId, url: `https://social.example/posts/${run}-${i}`, reason: 'A false claim about voting' });
              expect(res.status, res.text).toBe(target.platformSees ? 201 : 422);
              if (target.platformSees) expectedEntries++;
              if (target.platformSees && target.isPublic) publicIds.add(target.id);
              break;
            }
          }
        }
        for (const o of objects) if (o.isPublic) publicIds.add(o.id);
        const page = await call(null, 'GET', `/api/v1/public/transparency/entries?from=${before + 1}&limit=1000`);
        const entries = page.body['entries'] as { content: Record<string, unknown> }[];
        expect(entries.length).toBe(expectedEntries);
        const text = JSON.stringify(entries);
        for (const s of secrets) expect(text).not.toContain(s);
        const named = new Set([...text.matchAll(/report--[0-9a-f-]{36}/g)].map((m) => m[0]));
        for (const id of named) expect(publicIds.has(id), `${id} is in the log but was never public`).toBe(true);
      }),
      { numRuns: 6 },
    );
  });
});
