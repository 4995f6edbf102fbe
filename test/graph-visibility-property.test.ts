import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudienceKey } from '../src/domain/audience.ts';
import type { OrgId, StixId } from '../src/domain/ids.ts';
import { ok } from '../src/domain/result.ts';
import { openStore, type RampartStore } from '../src/store/index.ts';
import type { IncomingObject } from '../src/store/types.ts';
import { bearer, harness, ORG_A, ORG_B, type Harness } from './helpers/http.ts';
import { testDatabase, testDialects, type TestDatabase } from './helpers/store.ts';

/*
 * The neighbourhood graph (GET /api/v1/objects/{id}/graph) against an oracle written from DESIGN.md's rule alone:
 * a member sees an object when its organization owns it or the audience names the community or the organization.
 * In random worlds of reports, notes, sightings, relationships and the objects they point at, owned by three
 * organizations and shared in random ways, no node a reader may not see reveals its id, type, title or owner,
 * every node that is shown is one the reader may see, and one hop out is exactly what the oracle expects.
 */

const ORG_C = 'identity--0e000000-0000-4000-8000-00000000000c' as OrgId;
const OWNERS = [ORG_A, ORG_B, ORG_C] as const;
const TYPES = ['indicator', 'malware', 'report', 'note', 'sighting', 'relationship'] as const;
type Kind = (typeof TYPES)[number];
const AUDIENCES = ['community', 'own', 'a', 'b'] as const;
const T = '2026-11-03T12:00:00.000Z';

interface ModelObject {
  readonly id: StixId;
  readonly type: Kind;
  readonly owner: OrgId;
  readonly audience: readonly AudienceKey[];
  readonly refs: readonly string[];
  readonly name: string;
  readonly json: Record<string, unknown>;
}

/** The rule, read from DESIGN.md: own objects, and those whose audience holds one of the reader's keys. */
function sees(reader: OrgId, o: ModelObject): boolean {
  return o.owner === reader || o.audience.includes('community') || o.audience.includes(`org:${reader}`);
}

const objectArb = fc.record({ type: fc.constantFrom(...TYPES), owner: fc.nat(2), audience: fc.constantFrom(...AUDIENCES), picks: fc.array(fc.nat(30), { minLength: 1, maxLength: 3 }) });
const worldArb = fc.record({ objects: fc.array(objectArb, { minLength: 2, maxLength: 9 }), root: fc.nat(30) });

let run = 0;

/** Builds the world's objects: each points only at objects of the world, by the properties its type has. */
function build(spec: { readonly objects: readonly { readonly type: Kind; readonly owner: number; readonly audience: (typeof AUDIENCES)[number]; readonly picks: readonly number[] }[] }): ModelObject[] {
  run += 1;
  const ids = spec.objects.map((o, i) => `${o.type}--0f${String(run).padStart(6, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}` as StixId);
  const targets = spec.objects.flatMap((o, i) => (o.type === 'relationship' ? [] : [i]));
  const pick = (n: number, self: number) => {
    const options = targets.filter((t) => t !== self);
    return options.length === 0 ? null : (options[n % options.length] ?? null);
  };
  return spec.objects.map((o, i) => {
    const owner = OWNERS[o.owner] ?? ORG_A;
    const audience: AudienceKey[] = o.audience === 'community' ? ['community'] : [`org:${o.audience === 'own' ? owner : o.audience === 'a' ? ORG_A : ORG_B}`];
    const name = `name ${run} ${i} ${o.type}`;
    const picked = [...new Set(o.picks.map((p) => pick(p, i)).filter((p): p is number => p !== null))].map((p) => ids[p] ?? '');
    const json: Record<string, unknown> = { type: o.type, spec_version: '2.1', id: ids[i], created: T, modified: T, created_by_ref: owner };
    let refs: string[] = [];
    switch (o.type) {
      case 'indicator':
      case 'malware':
        json['name'] = name;
        break;
      case 'report':
        json['name'] = name;
        if (picked.length > 0) json['object_refs'] = picked;
        refs = picked;
        break;
      case 'note':
        json['content'] = name;
        if (picked.length > 0) json['object_refs'] = picked;
        refs = picked;
        break;
      case 'sighting':
        json['description'] = name;
        if (picked[0] !== undefined) json['sighting_of_ref'] = picked[0];
        refs = picked.slice(0, 1);
        break;
      case 'relationship': {
        json['relationship_type'] = 'related-to';
        json['description'] = name;
        const [source, target] = picked.length >= 2 ? picked : [picked[0], picked[0]];
        if (source !== undefined && target !== undefined) {
          json['source_ref'] = source;
          json['target_ref'] = target;
          refs = [...new Set([source, target])];
        }
        break;
      }
    }
    return { id: ids[i] ?? ('' as StixId), type: o.type, owner, audience, refs, name, json };
  });
}

/** One hop out of `root` for `reader`, from the model: the objects it may see there, and how many it may not. */
function oneHop(world: readonly ModelObject[], reader: OrgId, root: ModelObject): { readonly shown: Set<string>; readonly hidden: number } {
  const byId = new Map(world.map((o) => [o.id as string, o]));
  const candidates = new Set<string>(root.refs);
  const shown = new Set<string>([root.id]);
  if (root.type !== 'relationship') {
    for (const o of world) {
      if (o.id === root.id || !o.refs.includes(root.id) || !sees(reader, o)) continue;
      if (o.type === 'relationship') for (const end of o.refs) if (end !== root.id) candidates.add(end);
      if (o.type !== 'relationship') shown.add(o.id);
    }
  }
  let hidden = 0;
  for (const c of candidates) {
    if (shown.has(c)) continue;
    const o = byId.get(c);
    if (o !== undefined && sees(reader, o)) shown.add(c);
    else hidden += 1;
  }
  return { shown, hidden };
}

interface Node {
  readonly shared: boolean;
  readonly key: string;
  readonly id?: string;
  readonly type?: string;
  readonly title?: string | null;
  readonly owner?: string;
}

describe.each(testDialects())('the neighbourhood graph and the sharing rule on %s', (dialect) => {
  let store: RampartStore;
  let h: Harness;
  let db: TestDatabase;
  beforeAll(async () => {
    db = testDatabase(dialect);
    store = await openStore({ url: db.url });
    h = await harness({ stix: store.stix });
  });
  afterAll(async () => {
    await h.close();
    await store.close();
    await db.drop();
  });

  it('shows a reader only nodes it may see, and unseen nodes as bare keys, in random worlds', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (spec) => {
        const world = build(spec);
        const items: IncomingObject[] = world.map((o) => ({
          id: o.id,
          type: o.type,
          created: T,
          modified: T,
          revoked: false,
          name: typeof o.json['name'] === 'string' ? o.json['name'] : null,
          description: null,
          json: JSON.stringify(o.json),
          sharing: { owner: o.owner, tlp: o.audience.includes('community') ? 'green' : 'amber', audience: o.audience },
        }));
        const stored = await store.stix.write(async (w) => ok(await w.putBatch(items, 'reject')));
        expect(stored.ok && stored.value.every((s) => s.kind === 'added')).toBe(true);
        const root = world[spec.root % world.length];
        if (root === undefined) return;
        for (const [reader, key] of [[ORG_A, h.a.readKey], [ORG_B, h.b.readKey]] as const) {
          const res = await h.app.inject({ method: 'GET', url: `/api/v1/objects/${root.id}/graph`, headers: bearer(key) });
          if (!sees(reader, root)) {
            expect(res.statusCode).toBe(404);
            continue;
          }
          expect(res.statusCode).toBe(200);
          const body = res.json<{ nodes: Node[]; edges: { source: string; target: string }[] }>();
          const byId = new Map(world.map((o) => [o.id as string, o]));
          for (const node of body.nodes) {
            if (!node.shared) {
              expect(Object.keys(node).sort()).toEqual(['hop', 'key', 'shared']);
              expect(node.key).toMatch(/^hidden-\d+$/);
              continue;
            }
            const o = byId.get(node.id ?? '');
            expect(o, `node ${node.id ?? ''}`).toBeDefined();
            if (o === undefined) continue;
            expect(sees(reader, o)).toBe(true);
            expect([node.key, node.type, node.owner]).toEqual([o.id, o.type, o.owner]);
          }
          const keys = new Set(body.nodes.map((n) => n.key));
          for (const e of body.edges) expect(keys.has(e.source) && keys.has(e.target)).toBe(true);
          // Nothing of an object the reader may not see leaves: neither its id nor its name.
          for (const o of world) {
            if (sees(reader, o)) continue;
            expect(res.body).not.toContain(o.id);
            expect(res.body).not.toContain(`"${o.name}`);
          }
          const one = await h.app.inject({ method: 'GET', url: `/api/v1/objects/${root.id}/graph?hops=1`, headers: bearer(key) });
          const nodes = one.json<{ nodes: Node[] }>().nodes;
          const expected = oneHop(world, reader, root);
          expect(new Set(nodes.filter((n) => n.shared).map((n) => n.key))).toEqual(expected.shown);
          expect(nodes.filter((n) => !n.shared).length).toBe(expected.hidden);
        }
      }),
      { numRuns: 40 },
    );
  });
});
