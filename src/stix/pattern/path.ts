import { assertNever } from '../../domain/assert-never.ts';
import type { PathStep } from './ast.ts';
import type { ValueTest } from './values.ts';

/** The objects of one observation, keyed as their references name them (local index in 2.0, id in 2.1). */
export type ObjectIndex = Readonly<Record<string, unknown>>;

/** Walks from a value along the remaining steps; true as soon as one selected value passes the test. */
type Walker = (value: unknown, objects: ObjectIndex) => boolean;

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Follows an object reference inside the observation; unresolved references select nothing. */
function dereference(ref: unknown, objects: ObjectIndex): unknown {
  return typeof ref === 'string' && Object.hasOwn(objects, ref) ? objects[ref] : undefined;
}

const HEX = /^(?:[0-9A-Fa-f]{2})*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Properties ending `_hex` and `_bin` hold binary data (STIX 2.1 §2.1 binary, hex): compare them as bytes. */
function decodeBinary(key: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (key.endsWith('_hex')) return HEX.test(value) ? Buffer.from(value, 'hex') : undefined;
  if (key.endsWith('_bin')) return BASE64.test(value) ? Buffer.from(value, 'base64') : undefined;
  return value;
}

function keyWalker(key: string, isLast: boolean, follows: boolean, next: Walker): Walker {
  const isBinary = isLast && (key.endsWith('_hex') || key.endsWith('_bin'));
  // A `_ref` property followed by more steps is a reference to another object of the observation.
  const isRef = follows && key.endsWith('_ref');
  return (value, objects) => {
    if (!isRecord(value) || !Object.hasOwn(value, key)) return false;
    let selected = value[key];
    if (selected === undefined) return false;
    if (isBinary) selected = decodeBinary(key, selected);
    else if (isRef) selected = dereference(selected, objects);
    return selected !== undefined && next(selected, objects);
  };
}

/**
 * Compiles an object path (after its object type) with the final test into one function.
 * List elements of a `_refs` property are references when more steps follow the index.
 */
export function compilePath(steps: readonly PathStep[], test: ValueTest): Walker {
  let walker: Walker = (value) => value !== undefined && test(value);
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i];
    if (step === undefined) continue;
    const next = walker;
    const follows = i < steps.length - 1;
    const previous = steps[i - 1];
    const elementsAreRefs = follows && previous?.kind === 'key' && previous.key.endsWith('_refs');
    const element = (item: unknown, objects: ObjectIndex): boolean => next(elementsAreRefs ? dereference(item, objects) : item, objects);
    switch (step.kind) {
      case 'key':
        walker = keyWalker(step.key, i === steps.length - 1, follows, next);
        break;
      case 'index': {
        const index = step.index;
        walker = (value, objects) => {
          if (!Array.isArray(value)) return false;
          const at = index < 0 ? value.length + index : index;
          return at >= 0 && at < value.length && element(value[at], objects);
        };
        break;
      }
      case 'any-index':
        walker = (value, objects) => Array.isArray(value) && value.some((item) => element(item, objects));
        break;
      default:
        assertNever(step);
    }
  }
  return walker;
}
