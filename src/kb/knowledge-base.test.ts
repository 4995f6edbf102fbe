import { describe, expect, it } from 'vitest';
import type { OrgId } from '../domain/ids.ts';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { readFileSync } from 'node:fs';
import { KNOWLEDGE_BASE, loadKnowledgeBase } from './knowledge-base.ts';
import { KNOWLEDGE_BASE_PUBLISHERS } from './publishers.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' as OrgId;

describe('the built-in knowledge base', () => {
  it('loads ATT&CK ICS, Mobile and DISARM whole, as public TLP:CLEAR data, and a second load changes nothing', async () => {
    const store = memoryStixStore();
    const seen: string[] = [];
    const first = await loadKnowledgeBase(store, { hubOwner: HUB, onProgress: (p) => seen.push(p.bundle) });
    if (!first.ok) throw new Error(first.error.message);
    expect([...first.value.keys()]).toEqual(KNOWLEDGE_BASE.map((b) => b.name));
    for (const summary of first.value.values()) {
      expect(summary.rejected).toBe(0);
      expect(summary.added).toBeGreaterThan(100);
    }
    expect(new Set(seen)).toEqual(new Set(KNOWLEDGE_BASE.map((b) => b.name)));
    const publicTechniques = await store.count({ kind: 'public' }, { types: ['attack-pattern'] });
    expect(publicTechniques).toBeGreaterThan(500);

    const second = await loadKnowledgeBase(store, { hubOwner: HUB });
    if (!second.ok) throw new Error(second.error.message);
    for (const summary of second.value.values()) expect(summary.added + summary.newVersions).toBe(0);
  });

  it('names every publisher of its objects in KNOWLEDGE_BASE_PUBLISHERS', () => {
    for (const bundle of KNOWLEDGE_BASE) {
      const { objects } = JSON.parse(readFileSync(bundle.path, 'utf8')) as { objects: { created_by_ref?: string }[] };
      const publishers = new Set(objects.flatMap((o) => (o.created_by_ref === undefined ? [] : [o.created_by_ref])));
      for (const p of publishers) expect(KNOWLEDGE_BASE_PUBLISHERS, bundle.name).toContain(p);
    }
  });
});
