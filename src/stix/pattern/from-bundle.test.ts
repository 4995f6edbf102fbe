import { describe, expect, it } from 'vitest';
import { observationFromObservedData, observationsFromBundle } from './from-bundle.ts';

const od = (id: string, extra: Record<string, unknown>): Record<string, unknown> => ({
  type: 'observed-data',
  id: `observed-data--${id}`,
  first_observed: '2024-11-05T12:00:00Z',
  last_observed: '2024-11-05T12:00:01Z',
  number_observed: 2,
  ...extra,
});
const bundle = (...objects: unknown[]): Record<string, unknown> => ({ type: 'bundle', id: 'bundle--1', objects });

function errorOf(input: unknown): string {
  const r = observationsFromBundle(input);
  if (r.ok) throw new Error('accepted');
  expect(r.error.code).toBe('invalid-observed-data');
  return r.error.message;
}

describe('observationsFromBundle', () => {
  it('builds 2.1 observations from object_refs, pulling in the SCOs they reference', () => {
    const r = observationsFromBundle(
      bundle(
        od('1', { object_refs: ['network-traffic--1'] }),
        { type: 'network-traffic', id: 'network-traffic--1', src_ref: 'ipv4-addr--1', extensions: { x: { nested_refs: ['domain-name--1'] } } },
        { type: 'ipv4-addr', id: 'ipv4-addr--1', value: '10.0.0.1' },
        { type: 'domain-name', id: 'domain-name--1', value: 'example.com' },
        { type: 'ipv4-addr', id: 'ipv4-addr--2', value: '10.0.0.2' },
      ),
    );
    expect(r.ok && r.value).toEqual([
      {
        id: 'observed-data--1',
        first_observed: '2024-11-05T12:00:00Z',
        last_observed: '2024-11-05T12:00:01Z',
        number_observed: 2,
        objects: {
          'network-traffic--1': expect.objectContaining({ type: 'network-traffic' }) as unknown,
          'ipv4-addr--1': expect.objectContaining({ value: '10.0.0.1' }) as unknown,
          'domain-name--1': expect.objectContaining({ value: 'example.com' }) as unknown,
        },
      },
    ]);
  });

  it('keeps 2.0 embedded objects under their local keys, and reads arrays of bundles', () => {
    const r = observationsFromBundle([bundle(od('1', { objects: { '0': { type: 'file', name: 'a' } } })), bundle(od('2', { objects: { '0': { type: 'file', name: 'b' } } }))]);
    expect(r.ok && r.value.map((o) => o.objects['0'])).toEqual([{ type: 'file', name: 'a' }, { type: 'file', name: 'b' }]);
  });

  it('resolves SCOs given in another bundle of the array', () => {
    const r = observationsFromBundle([bundle(od('1', { object_refs: ['file--1'] })), bundle({ type: 'file', id: 'file--1', name: 'a' })]);
    expect(r.ok && Object.keys(r.value[0]?.objects ?? {})).toEqual(['file--1']);
  });

  it('refuses input that is not observed-data in bundles, naming what to fix', () => {
    expect(errorOf({ type: 'indicator' })).toMatch(/not a STIX bundle/);
    expect(errorOf([bundle(), 5])).toMatch(/bundle 2 is not a STIX bundle/);
    expect(errorOf(bundle(7))).toMatch(/objects\[0\] is not a JSON object/);
    expect(errorOf(bundle({ type: 'indicator', id: 'indicator--1' }))).toMatch(/no observed-data/);
    expect(errorOf(bundle(od('1', { object_refs: ['file--9'] })))).toMatch(/object_refs names file--9, which is not in the input/);
    expect(errorOf(bundle(od('1', { object_refs: [] })))).toMatch(/object_refs must be a non-empty list/);
    expect(errorOf(bundle(od('1', { objects: { '0': 'x' } })))).toMatch(/objects must map keys to SCO objects/);
    expect(errorOf(bundle(od('1', { objects: {}, first_observed: 'yesterday' })))).toMatch(/observed-data--1\): first_observed must be a STIX timestamp/);
    expect(errorOf(bundle(od('1', { objects: {}, last_observed: 5 })))).toMatch(/last_observed must be a STIX timestamp/);
    expect(errorOf(bundle(od('1', { objects: {}, number_observed: 0 })))).toMatch(/number_observed must be an integer of at least 1/);
  });

  it('converts one observed-data on its own', () => {
    const r = observationFromObservedData(od('7', { object_refs: ['file--1'] }), new Map([['file--1', { type: 'file', id: 'file--1', name: 'a' }]]));
    expect(r.ok && r.value.objects).toEqual({ 'file--1': { type: 'file', id: 'file--1', name: 'a' } });
    const missing = observationFromObservedData(od('7', { object_refs: ['file--1'] }));
    expect(!missing.ok && missing.error.message).toBe('observed-data--7: object_refs names file--1, which is not in the input: include that object in the bundle');
    expect(observationFromObservedData({ type: 'indicator' }).ok).toBe(false);
  });
});
