import { describe, expect, it } from 'vitest';
import { parseExportFilters } from './export.ts';

describe('parseExportFilters', () => {
  it('splits comma lists, drops empty items, and turns since into microseconds', () => {
    expect(parseExportFilters(['indicator, report', 'sighting'], '2026-11-01T00:00:00Z')).toEqual({
      ok: true,
      value: { types: ['indicator', 'report', 'sighting'], addedAfterUs: Date.parse('2026-11-01T00:00:00Z') * 1000 },
    });
    expect(parseExportFilters([' , '], undefined)).toEqual({ ok: true, value: {} });
    expect(parseExportFilters(undefined, undefined)).toEqual({ ok: true, value: {} });
  });

  it('names the filter that is wrong and why', () => {
    expect(parseExportFilters(['indicator,Not_A_Type'], undefined)).toEqual({ ok: false, error: { field: 'type', code: 'invalid-type', message: '"Not_A_Type" is not a STIX type name' } });
    expect(parseExportFilters(undefined, 'yesterday')).toMatchObject({ ok: false, error: { field: 'since', code: 'invalid-timestamp' } });
  });
});
