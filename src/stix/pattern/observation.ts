import { isStixTimestamp } from '../timestamp.ts';

/** A cyber-observable object (SCO) as JSON: `type` plus its properties. */
export type ScoObject = Readonly<Record<string, unknown>>;

/**
 * One observed-data, 2.0 style: its SCOs keyed as their references name them (the local index
 * in STIX 2.0, the SCO id when built from STIX 2.1 `object_refs`). `number_observed` of n counts
 * as n observations over the same interval.
 */
export interface Observation {
  readonly id?: string;
  readonly first_observed: Date | string;
  readonly last_observed: Date | string;
  readonly number_observed: number;
  readonly objects: Readonly<Record<string, ScoObject>>;
}

/**
 * Milliseconds since the epoch with the sub-millisecond part kept as a fraction, so microsecond
 * timestamps still order correctly. NaN when the value is not a STIX timestamp.
 */
export function instantOf(value: Date | string): number {
  if (value instanceof Date) return value.getTime();
  if (!isStixTimestamp(value)) return Number.NaN;
  // A leap second (:60) is one second after :59.
  const leap = value.slice(17, 19) === '60';
  const whole = Date.parse(`${value.slice(0, 17)}${leap ? '59' : value.slice(17, 19)}Z`) + (leap ? 1000 : 0);
  const fraction = value.length > 21 ? Number(`0${value.slice(19, -1)}`) : 0;
  return whole + fraction * 1000;
}
