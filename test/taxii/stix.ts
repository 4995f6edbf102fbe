import { TLP_MARKING_IDS, type Tlp } from '../../src/domain/tlp.ts';

/** Valid STIX 2.1 objects for the TAXII tests (checked by the import pipeline on POST). */
export function uuidOf(n: number, prefix = 'a'): string {
  return `${prefix.repeat(8)}-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

export interface IndicatorOptions {
  readonly modified?: string;
  readonly created?: string;
  readonly tlp?: Tlp;
  readonly createdBy?: string;
  readonly name?: string;
}

export function indicator(n: number, o: IndicatorOptions = {}): Record<string, unknown> {
  const created = o.created ?? '2024-10-01T00:00:00.000Z';
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${uuidOf(n)}`,
    created,
    modified: o.modified ?? created,
    name: o.name ?? `Suspicious address ${n}`,
    pattern: `[ipv4-addr:value = '198.51.100.${n % 250}']`,
    pattern_type: 'stix',
    valid_from: created,
    ...(o.createdBy === undefined ? {} : { created_by_ref: o.createdBy }),
    ...(o.tlp === undefined ? {} : { object_marking_refs: [TLP_MARKING_IDS[o.tlp]] }),
  };
}

export function malware(n: number, o: IndicatorOptions = {}): Record<string, unknown> {
  const created = o.created ?? '2024-10-01T00:00:00.000Z';
  return {
    type: 'malware',
    spec_version: '2.1',
    id: `malware--${uuidOf(n, 'b')}`,
    created,
    modified: o.modified ?? created,
    name: `Loader ${n}`,
    is_family: true,
    ...(o.tlp === undefined ? {} : { object_marking_refs: [TLP_MARKING_IDS[o.tlp]] }),
  };
}

export function envelope(objects: readonly unknown[]): string {
  return JSON.stringify({ objects });
}
