import { describe, expect, it } from 'vitest';
import { compareTimestamps, isStixTimestamp } from './timestamp.ts';

describe('isStixTimestamp', () => {
  it('accepts UTC timestamps with any precision', () => {
    expect(isStixTimestamp('2024-11-22T16:43:58.074918Z')).toBe(true);
    expect(isStixTimestamp('2016-05-12T08:17:27Z')).toBe(true);
    expect(isStixTimestamp('2024-02-29T00:00:00.000Z', true)).toBe(true);
  });
  it('rejects impossible dates, offsets and missing millis where required', () => {
    expect(isStixTimestamp('2022-101-27T13:49:54.326Z')).toBe(false);
    expect(isStixTimestamp('2023-02-29T00:00:00Z')).toBe(false);
    expect(isStixTimestamp('2023-01-01T00:00:00+01:00')).toBe(false);
    expect(isStixTimestamp('2023-01-01T24:00:00Z')).toBe(false);
    expect(isStixTimestamp('2016-05-12T08:17:27Z', true)).toBe(false);
    expect(isStixTimestamp('2016-05-12T08:17:27.1Z', true)).toBe(false);
    expect(isStixTimestamp('2016-05-12T08:17:27.Z')).toBe(false);
    expect(isStixTimestamp('2016-05-12T08:17:27.12a4Z')).toBe(false);
    expect(isStixTimestamp('2016-05-12T08:17:2٧Z')).toBe(false);
    expect(isStixTimestamp('2016-05-12T08:60:00Z')).toBe(false);
    expect(isStixTimestamp('2016-05-12 08:17:27Z')).toBe(false);
    expect(isStixTimestamp('2016-05-12T08:17:27')).toBe(false);
  });
  it('accepts a leap second and a leap day of a year divisible by 400', () => {
    expect(isStixTimestamp('2016-12-31T23:59:60Z')).toBe(true);
    expect(isStixTimestamp('2000-02-29T00:00:00.123Z', true)).toBe(true);
  });
});

describe('compareTimestamps', () => {
  it('compares across different precisions', () => {
    expect(compareTimestamps('2020-01-01T00:00:00.5Z', '2020-01-01T00:00:00.123Z')).toBe(1);
    expect(compareTimestamps('2020-01-01T00:00:00.100Z', '2020-01-01T00:00:00.1Z')).toBe(0);
    expect(compareTimestamps('2020-01-01T00:00:00.000001Z', '2020-01-01T00:00:00.000Z')).toBe(1);
    expect(compareTimestamps('2019-12-31T23:59:59.999Z', '2020-01-01T00:00:00Z')).toBe(-1);
  });
});
