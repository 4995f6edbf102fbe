import { err, ok, type Result } from '../../domain/result.ts';
import { isStixTimestamp } from '../timestamp.ts';
import type { Observation, ScoObject } from './observation.ts';

export interface ObservedInputError {
  readonly code: 'invalid-observed-data';
  readonly message: string;
}

type Json = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): { readonly ok: false; readonly error: ObservedInputError } {
  return err({ code: 'invalid-observed-data', message });
}

/** Every id named by `*_ref` / `*_refs` properties anywhere inside an object. */
function referencedIds(value: unknown, into: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, into);
  } else if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key.endsWith('_ref') && typeof v === 'string') {
        into.push(v);
      } else if (key.endsWith('_refs') && Array.isArray(v)) {
        for (const r of v) if (typeof r === 'string') into.push(r);
      } else {
        referencedIds(v, into);
      }
    }
  }
}

/**
 * The SCOs of a STIX 2.1 observed-data: those its `object_refs` name, plus the objects they
 * reference in turn (which object_refs should also list), keyed by id so references resolve.
 */
function objectsByRefs(where: string, refs: unknown, pool: ReadonlyMap<string, Json>): Result<Record<string, ScoObject>, ObservedInputError> {
  if (!Array.isArray(refs) || refs.length === 0 || !refs.every((r) => typeof r === 'string')) return fail(`${where}: object_refs must be a non-empty list of SCO ids`);
  const objects: Record<string, ScoObject> = {};
  const queue = [...refs];
  const named = new Set(queue);
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (Object.hasOwn(objects, id)) continue;
    const object = pool.get(id);
    if (object === undefined) {
      if (named.has(id)) return fail(`${where}: object_refs names ${id}, which is not in the input: include that object in the bundle`);
      continue;
    }
    objects[id] = object;
    referencedIds(object, queue);
  }
  return ok(objects);
}

function observationOf(object: Json, where: string, pool: ReadonlyMap<string, Json>): Result<Observation, ObservedInputError> {
  const first = object['first_observed'];
  const last = object['last_observed'];
  const count = object['number_observed'];
  if (typeof first !== 'string' || !isStixTimestamp(first)) return fail(`${where}: first_observed must be a STIX timestamp such as 2024-11-05T12:00:00Z`);
  if (typeof last !== 'string' || !isStixTimestamp(last)) return fail(`${where}: last_observed must be a STIX timestamp such as 2024-11-05T12:00:00Z`);
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) return fail(`${where}: number_observed must be an integer of at least 1`);
  let objects: Record<string, ScoObject>;
  const embedded = object['objects'];
  if (embedded !== undefined) {
    // STIX 2.0 style: SCOs embedded under local keys that their references use.
    if (!isRecord(embedded) || !Object.values(embedded).every(isRecord)) return fail(`${where}: objects must map keys to SCO objects`);
    objects = embedded as Record<string, ScoObject>;
  } else {
    const found = objectsByRefs(where, object['object_refs'], pool);
    if (!found.ok) return found;
    objects = found.value;
  }
  const id = object['id'];
  return ok({ ...(typeof id === 'string' ? { id } : {}), first_observed: first, last_observed: last, number_observed: count, objects });
}

/**
 * One observed-data as an Observation: `objectsById` holds the SCOs its object_refs may name
 * (unused for 2.0-style embedded `objects`).
 */
export function observationFromObservedData(observedData: unknown, objectsById: ReadonlyMap<string, Json> = new Map()): Result<Observation, ObservedInputError> {
  if (!isRecord(observedData) || observedData['type'] !== 'observed-data') return fail('expected an observed-data object');
  const id = observedData['id'];
  return observationOf(observedData, typeof id === 'string' ? id : 'observed-data', objectsById);
}

/**
 * The observations in a parsed STIX bundle or JSON array of bundles: each `observed-data` is one
 * (standing for `number_observed` observations). SCOs may sit in any of the bundles given.
 */
export function observationsFromBundle(input: unknown): Result<Observation[], ObservedInputError> {
  const bundles = Array.isArray(input) ? input : [input];
  const all: { object: Json; where: string }[] = [];
  for (const [b, bundle] of bundles.entries()) {
    const at = Array.isArray(input) ? `bundle ${b + 1}` : 'the bundle';
    if (!isRecord(bundle) || bundle['type'] !== 'bundle' || !Array.isArray(bundle['objects'])) return fail(`${at} is not a STIX bundle: expected {"type": "bundle", "objects": [...]}`);
    for (const [i, object] of (bundle['objects'] as unknown[]).entries()) {
      if (!isRecord(object)) return fail(`${at}: objects[${i}] is not a JSON object`);
      all.push({ object, where: `${at}: objects[${i}]${typeof object['id'] === 'string' ? ` (${object['id']})` : ''}` });
    }
  }
  const pool = new Map<string, Json>();
  for (const { object } of all) if (typeof object['id'] === 'string') pool.set(object['id'], object);
  const observations: Observation[] = [];
  for (const { object, where } of all) {
    if (object['type'] !== 'observed-data') continue;
    const observation = observationOf(object, where, pool);
    if (!observation.ok) return observation;
    observations.push(observation.value);
  }
  if (observations.length === 0) return fail('the input holds no observed-data objects: give a bundle whose observed-data name their SCOs in object_refs');
  return ok(observations);
}
