import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { OrgId } from '../src/domain/ids.ts';
import type { Tlp } from '../src/domain/tlp.ts';
import { correctionObject } from '../src/rumours/correction.ts';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { testDialects } from './helpers/store.ts';
import { MAY_NAME, olderAudience, reaches, TLPS, type ModelPeople } from './helpers/visibility-oracle.ts';

/*
 * Nothing non-public ever appears on a public page or feed. Random mixes of corrections, other reports,
 * notes and indicators, each in one to three versions of every TLP and audience (CLEAR without the
 * public too), and joint statements (drafts never published, and published ones of every TLP they
 * allow). Each version carries a word of its own; every public answer (corrections, notices,
 * statements, one correction or statement by id, the Atom feed, the embed page, the widget) may hold
 * only the words of versions the oracle (test/helpers/visibility-oracle.ts: the rule from TLP 2.0 and
 * DESIGN.md, no code shared with the store) lets the public read; and what it lets the public read is there.
 */

type Kind = 'correction' | 'report' | 'note' | 'indicator';
interface VersionSpec {
  readonly tlp: Tlp;
  readonly keys: readonly { readonly kind: number; readonly n: number }[];
  readonly withPublic: boolean;
}
const versionArb = fc.record({ tlp: fc.constantFrom(...TLPS), keys: fc.array(fc.record({ kind: fc.nat(5), n: fc.nat(20) }), { minLength: 1, maxLength: 3 }), withPublic: fc.boolean() });
const objectArb = fc.record({ kind: fc.constantFrom<Kind>('correction', 'report', 'note', 'indicator'), owner: fc.nat(2), versions: fc.array(versionArb, { minLength: 1, maxLength: 3 }) });
const statementArb = fc.record({ owner: fc.nat(2), tlp: fc.constantFrom<Exclude<Tlp, 'red'>>('clear', 'green', 'amber', 'amber+strict'), publish: fc.boolean() });
const mixArb = fc.record({ objects: fc.array(objectArb, { minLength: 1, maxLength: 6 }), statements: fc.array(statementArb, { maxLength: 2 }) });

const PUBLIC_PAGES = ['/api/v1/public/corrections', '/api/v1/public/corrections?state=55', '/api/v1/public/notices', '/api/v1/public/statements', '/rumour-control/feed.atom', '/rumour-control/feed.atom?state=55', '/rumour-control/embed', '/rumour-control/embed?state=55', '/rumour-control/widget.js'];

describe.each(testDialects())('public pages show nothing non-public (%s)', (dialect) => {
  let h: ComposedHub;
  let people: Person[] = [];
  let world: ModelPeople;
  let counter = 0;
  /** Every word the public may not read, of this run and the runs before: they all stay in the store. */
  const secretWords = new Set<string>();

  beforeAll(async () => {
    h = await composedHub({}, dialect);
    const orgs: OrgId[] = [await h.state('55'), await h.organization({ kind: 'local', name: 'Property County Clerk (fictional)', state_fips: '55' }), await h.organization({ kind: 'federal', name: 'Property Federal Agency (fictional)' })];
    people = await Promise.all(orgs.map((o, i) => h.person(o, `Person ${i}`)));
    world = { orgs: orgs.map((id, i) => ({ id, kind: i === 0 ? 'state' : i === 1 ? 'local' : 'federal', fips: i === 2 ? null : '55', users: [people[i]?.userId ?? ('' as never)] })), groups: [] };
  });
  afterAll(async () => {
    await h.close();
  });

  /** The audience a version is shared with: keys its TLP allows, naming the world's organizations, states and people; CLEAR with or without the public. */
  function audienceOf(v: VersionSpec): AudienceKey[] {
    const allowed = MAY_NAME[v.tlp];
    const keys = v.keys.map(({ kind, n }): AudienceKey => {
      const k = allowed[kind % allowed.length] ?? 'org';
      switch (k) {
        case 'public':
        case 'community':
          return 'community';
        case 'org':
          return `org:${world.orgs[n % world.orgs.length]?.id ?? ''}`;
        case 'state':
          return n % 2 === 0 ? 'state:55' : 'state:17';
        case 'group':
          return `org:${world.orgs[n % world.orgs.length]?.id ?? ''}`;
        case 'user':
          return `user:${people[n % people.length]?.userId ?? ''}`;
      }
    });
    return [...new Set([...(v.tlp === 'clear' && v.withPublic ? ['public' as const] : []), ...keys])];
  }

  async function call(who: Person | null, method: 'GET' | 'POST', url: string, payload?: unknown) {
    const res = await h.hub.app.inject({ method, url, headers: who === null ? {} : { authorization: `Bearer ${who.key}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, text: res.body };
  }

  function objectOf(kind: Kind, id: string, owner: OrgId, word: string, modified: string): Record<string, unknown> {
    const common = { spec_version: '2.1', id, created_by_ref: owner, created: '2026-11-03T08:00:00.000Z', modified };
    switch (kind) {
      case 'correction':
        return correctionObject(
          { title: `Correction ${word}`, rumour: `Rumour ${word}`, reality: `Reality ${word}`, official_links: [{ title: 'Elections office', url: 'https://elections.example.gov/' }], state_fips: '55', phase: 'during' },
          { id, owner, created: common.created, modified, published: common.created, election: null, status: 'published' },
        );
      case 'report':
        return { ...common, type: 'report', name: `Advisory ${word}`, description: `Advisory text ${word}`, report_types: ['threat-report'], published: common.created, object_refs: [owner] };
      case 'note':
        return { ...common, type: 'note', content: `Note ${word}`, object_refs: [owner] };
      case 'indicator':
        return { ...common, type: 'indicator', name: `Indicator ${word}`, description: `Indicator ${word}`, pattern: `[domain-name:value = '${word}.example']`, pattern_type: 'stix', valid_from: common.created };
    }
  }

  it('for random mixes of objects of every TLP and audience', async () => {
    await fc.assert(
      fc.asyncProperty(mixArb, async (mix) => {
        const publicWords = new Set<string>();
        const expected: { url: string; word: string }[] = [];
        const byId: string[] = [];
        for (const spec of mix.objects) {
          const n = ++counter;
          const id = `${spec.kind === 'correction' ? 'report' : spec.kind}--${String(n).padStart(8, '0')}-0000-4000-8000-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
          const owner = people[spec.owner];
          const ownerId = world.orgs[spec.owner]?.id;
          if (owner === undefined || ownerId === undefined) throw new Error('no owner');
          byId.push(spec.kind === 'correction' || spec.kind === 'report' ? `/api/v1/public/corrections/${id}` : `/api/v1/public/statements/${id}`);
          const written: { word: string; tlp: Tlp; audience: AudienceKey[] }[] = [];
          for (const [i, v] of spec.versions.entries()) {
            const word = `w${n}v${i}x${Math.random().toString(36).slice(2, 8)}`;
            const audience = audienceOf(v);
            const res = await call(owner, 'POST', '/api/v1/objects', { object: objectOf(spec.kind, id, ownerId, word, `2026-11-03T08:0${i}:00.000Z`), tlp: v.tlp, audience });
            expect(res.status, res.text).toBeLessThan(300);
            written.push({ word, tlp: v.tlp, audience });
            // Read the public pages between versions too, so an answer kept from before a change would show.
            await Promise.all(['/api/v1/public/corrections', '/api/v1/public/notices', `/api/v1/public/corrections/${id}`].map((url) => call(null, 'GET', url)));
          }
          // The oracle: the object's sharing is its newest audience; each version reaches the public when its own TLP lets that audience through.
          const current = written[written.length - 1]?.audience ?? [];
          for (const v of written) {
            const seen = reaches(world, { kind: 'public' }, spec.owner, v.tlp, olderAudience(v.tlp, v.audience, current));
            (seen ? publicWords : secretWords).add(v.word);
          }
          const latest = written[written.length - 1];
          if (spec.kind === 'correction' && latest !== undefined && publicWords.has(latest.word)) expected.push({ url: `/api/v1/public/corrections/${id}`, word: latest.word });
        }
        for (const st of mix.statements) {
          const n = ++counter;
          const word = `s${n}x${Math.random().toString(36).slice(2, 8)}`;
          const drafter = people[st.owner];
          const cosigner = people[(st.owner + 1) % people.length];
          if (drafter === undefined || cosigner === undefined) throw new Error('no drafter');
          const made = await call(drafter, 'POST', '/api/v1/statements', { title: `Statement ${word}`, text: `Text ${word}`, cosigners: [cosigner.orgId], tlp: st.tlp });
          expect(made.status, made.text).toBe(201);
          const draft = JSON.parse(made.text) as { id: string; content_hash: string };
          if (!st.publish) {
            secretWords.add(word);
            continue;
          }
          for (const who of [drafter, cosigner]) expect((await call(who, 'POST', `/api/v1/statements/${draft.id}/approve`, { content_hash: draft.content_hash })).status).toBe(200);
          const published = await call(drafter, 'POST', `/api/v1/statements/${draft.id}/publish`);
          expect(published.status, published.text).toBe(201);
          const stixId = (JSON.parse(published.text) as { object: { id: string } }).object.id;
          byId.push(`/api/v1/public/statements/${stixId}`, `/api/v1/public/corrections/${stixId}`);
          // A joint statement reaches the public only as TLP:CLEAR (then its audience is the public).
          if (st.tlp === 'clear') {
            publicWords.add(word);
            expected.push({ url: `/api/v1/public/statements/${stixId}`, word }, { url: '/api/v1/public/statements', word });
          } else {
            secretWords.add(word);
            const direct = await call(null, 'GET', `/api/v1/public/statements/${stixId}`);
            expect(direct.status).toBe(404);
          }
        }
        const pages = await Promise.all([...PUBLIC_PAGES, ...byId].map(async (url) => ({ url, ...(await call(null, 'GET', url)) })));
        for (const page of pages) {
          expect(PUBLIC_PAGES.includes(page.url) ? [200] : [200, 404], `${page.url}: ${page.text}`).toContain(page.status);
          for (const word of secretWords) expect(page.text.includes(word), `${page.url} shows ${word}, which the public may not read`).toBe(false);
        }
        for (const e of expected) {
          const res = await call(null, 'GET', e.url);
          expect([res.status, res.text.includes(e.word)], `${e.url} should show ${e.word}`).toEqual([200, true]);
        }
      }),
      { numRuns: dialect === 'sqlite' ? 25 : 10 },
    );
  }, 600_000);
});
