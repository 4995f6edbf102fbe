import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TLP_MARKING_IDS } from '../domain/tlp.ts';
import { servedText } from './tlp-marking.ts';

const STATEMENT = 'marking-definition--ad2caa47-58fd-4491-bebf-6b3f6e6f5e91';
const TLP1_AMBER = 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82';
const base = { type: 'indicator', spec_version: '2.1', id: 'indicator--0a000000-0000-4000-8000-000000000001', created: '2024-10-01T00:00:00.000Z', modified: '2024-10-01T00:00:00.000Z', name: 'a "quoted" name, with ] and }', pattern: "[ipv4-addr:value = '198.51.100.1']", pattern_type: 'stix', valid_from: '2024-10-01T00:00:00Z' };

describe('a stored version as served', () => {
  it('gets the marking of the TLP it is held under when its text names none, the rest byte for byte', () => {
    const text = JSON.stringify(base);
    const served = servedText(text, 'indicator', 'amber');
    expect(JSON.parse(served)).toEqual({ ...base, object_marking_refs: [TLP_MARKING_IDS.amber] });
    expect(served.startsWith(text.slice(0, -1))).toBe(true);
    // Pretty-printed text, as an old import kept it.
    const pretty = JSON.stringify(base, null, 2);
    expect(JSON.parse(servedText(pretty, 'indicator', 'red'))).toEqual({ ...base, object_marking_refs: [TLP_MARKING_IDS.red] });
    expect(servedText(pretty, 'indicator', 'red').startsWith(pretty.slice(0, pretty.lastIndexOf('"') + 1))).toBe(true);
  });

  it('adds it after the markings the object has, and to an empty list', () => {
    const other = JSON.stringify({ ...base, object_marking_refs: [STATEMENT], x_after: [1, 2] });
    expect(JSON.parse(servedText(other, 'indicator', 'amber+strict'))).toEqual({ ...base, object_marking_refs: [STATEMENT, TLP_MARKING_IDS['amber+strict']], x_after: [1, 2] });
    const empty = JSON.stringify({ ...base, object_marking_refs: [] });
    expect(JSON.parse(servedText(empty, 'indicator', 'green'))).toEqual({ ...base, object_marking_refs: [TLP_MARKING_IDS.green] });
  });

  it('leaves as stored a text that names a TLP (2.0, or 1.0), a TLP:CLEAR version and a marking definition', () => {
    const marked = JSON.stringify({ ...base, object_marking_refs: [TLP_MARKING_IDS.amber] });
    expect(servedText(marked, 'indicator', 'amber')).toBe(marked);
    const tlp1 = JSON.stringify({ ...base, object_marking_refs: [TLP1_AMBER] });
    expect(servedText(tlp1, 'indicator', 'amber')).toBe(tlp1);
    const clear = JSON.stringify(base);
    expect(servedText(clear, 'indicator', 'clear')).toBe(clear);
    const definition = JSON.stringify({ type: 'marking-definition', spec_version: '2.1', id: STATEMENT, created: '2024-10-01T00:00:00.000Z', definition_type: 'statement', definition: { statement: 'x' } });
    expect(servedText(definition, 'marking-definition', 'green')).toBe(definition);
  });

  it('does not parse a text that names its TLP in its markings (what every version stored since carries)', () => {
    // Not JSON at all past the markings: a parse would throw.
    const text = `{"object_marking_refs":["${TLP_MARKING_IDS.amber}"],"x": nonsense`;
    expect(servedText(text, 'indicator', 'amber')).toBe(text);
  });
});

describe('whether a stored text is marked, decided on its top-level object_marking_refs alone', () => {
  const TLP_IDS = Object.values(TLP_MARKING_IDS);
  const anyTlpId = fc.constantFrom(...TLP_IDS, TLP1_AMBER);
  const otherMarking = fc.constantFrom(STATEMENT, 'marking-definition--0a000000-0000-4000-8000-0000000000ff');
  // A TLP id in places that say nothing of the object's own marking: granular markings, a description, an external
  // reference, an extension's own object_marking_refs, a label that reads "object_marking_refs".
  const decoys = fc.record(
    {
      granular_markings: fc.array(fc.record({ marking_ref: anyTlpId, selectors: fc.constant(['description']) }), { minLength: 1, maxLength: 2 }),
      description: anyTlpId.map((id) => `marked "object_marking_refs":["${id}"] } ] in prose`),
      external_references: fc.array(fc.record({ source_name: fc.constant('tlp'), external_id: anyTlpId }), { minLength: 1, maxLength: 2 }),
      extensions: anyTlpId.map((id) => ({ 'x-other-ext': { extension_type: 'property-extension', object_marking_refs: [id] } })),
      labels: fc.constant(['object_marking_refs']),
    },
    { requiredKeys: [] },
  );
  const own = fc.option(fc.array(fc.oneof(otherMarking, anyTlpId), { maxLength: 3 }), { nil: undefined });
  const served = fc.constantFrom<'green' | 'amber' | 'amber+strict' | 'red'>('green', 'amber', 'amber+strict', 'red');

  it('serves a text as stored exactly when its own markings name a TLP, and otherwise adds its TLP there, the rest unchanged', () => {
    fc.assert(
      fc.property(decoys, own, fc.nat(), fc.constantFrom(0, 2), served, (extra, markings, at, indent, tlp) => {
        // The markings anywhere among the properties (the hub writes them last; other tools do not).
        const entries: [string, unknown][] = [...Object.entries(base), ...Object.entries(extra)];
        if (markings !== undefined) entries.splice(at % (entries.length + 1), 0, ['object_marking_refs', markings]);
        const object = Object.fromEntries(entries) as Record<string, unknown>;
        const text = JSON.stringify(object, null, indent);
        const out = servedText(text, 'indicator', tlp);
        const marked = (markings ?? []).some((id) => TLP_IDS.includes(id) || id === TLP1_AMBER);
        if (marked) expect(out).toBe(text);
        else expect(JSON.parse(out)).toEqual({ ...object, object_marking_refs: [...(markings ?? []), TLP_MARKING_IDS[tlp]] });
      }),
      { numRuns: 500 },
    );
  });
});
