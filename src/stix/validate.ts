import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import type { StixId } from '../domain/ids.ts';
import type { ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { joinPath, pointerToPath } from './json-path.ts';
import { MAX_JSON_DEPTH, tooDeepAt } from './json-syntax.ts';
import { compiledSchemaFor, type ObjectKind } from './schema/index.ts';
import { checkRampart } from './validate-election.ts';
import { checkRules, type PatternChecker } from './validate-rules.ts';
import { voterDataProblems } from '../domain/privacy/index.ts';

export type { PatternChecker } from './validate-rules.ts';

/** A parsed STIX object whose shape and rules have been checked, with the fields the store indexes. */
export interface ValidatedObject {
  readonly id: StixId;
  readonly type: string;
  readonly kind: ObjectKind;
  /** True for custom object types (§11.2), e.g. `x-mitre-tactic`. */
  readonly custom: boolean;
  /** SCOs and marking definitions have no created/modified. */
  readonly created: string | null;
  readonly modified: string | null;
  readonly revoked: boolean;
  readonly name: string | null;
  readonly description: string | null;
  readonly createdByRef: StixId | null;
  readonly objectMarkingRefs: readonly StixId[];
  /** The object itself, as parsed. */
  readonly object: Readonly<Record<string, unknown>>;
}

export interface ValidateOptions {
  /** Parses STIX patterns of `pattern_type: stix` indicators; without it patterns are not checked. */
  readonly checkPattern?: PatternChecker;
  /** Stop collecting after this many problems in one object (default 20). */
  readonly maxProblems?: number;
}

const TYPE_NAME = /^[a-z][a-z0-9-]{1,248}[a-z0-9]$/;
const MAX_PROBLEMS = 20;

/**
 * Checks one STIX 2.1 object: its type's TypeBox schema (compiled once) plus the rules schemas
 * cannot express. `path` is where the object sits in its document, e.g. `$.objects[3]`.
 */
export function validateStixObject(value: unknown, path: string, options: ValidateOptions = {}): Result<ValidatedObject, ProblemDetail[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return err([{ path, code: 'wrong-type', message: `expected a STIX object (a JSON object), got ${describe(value)}` }]);
  }
  const object = value as Record<string, unknown>;
  const rawId = object['id'];
  const id = typeof rawId === 'string' ? rawId : undefined;
  // Checked first: the schema check and the messages below recurse into the value.
  const deep = tooDeepAt(object);
  if (deep !== null) {
    return err([withId(id, { path: deep === '$' ? path : path + deep.slice(1), code: 'too-deeply-nested', message: `arrays and objects nest more than ${MAX_JSON_DEPTH} levels deep here; STIX objects need only a few, so flatten the value` })]);
  }

  const type = object['type'];
  if (type === undefined) return err([withId(id, { path: joinPath(path, 'type'), code: 'missing-property', message: 'type is required: every STIX object names its type' })]);
  if (typeof type !== 'string') return err([withId(id, { path: joinPath(path, 'type'), code: 'wrong-type', message: `type must be a string, got ${describe(type)}` })]);
  if (!TYPE_NAME.test(type) || type.includes('--')) {
    return err([withId(id, { path: joinPath(path, 'type'), code: 'invalid-type-name', message: `"${type}" is not a STIX type name: use 3–250 lowercase letters, digits and single hyphens, starting with a letter` })]);
  }
  if (type === 'bundle') return err([withId(id, { path, code: 'nested-bundle', message: 'a bundle cannot be an element of objects; put its objects in the outer bundle' })]);

  const looksLikeSdo = 'created' in object || 'modified' in object;
  const compiled = compiledSchemaFor(type, looksLikeSdo);
  const problems: ProblemDetail[] = [];
  const limit = options.maxProblems ?? MAX_PROBLEMS;

  const spec = object['spec_version'];
  if (spec !== '2.1' && !(spec === undefined && compiled.kind === 'sco')) {
    problems.push(
      withId(id, {
        path: joinPath(path, 'spec_version'),
        code: 'wrong-spec-version',
        message:
          spec === undefined
            ? 'spec_version is missing, so this looks like a STIX 2.0 object; Rampart accepts STIX 2.1 only: convert it and set spec_version to "2.1"'
            : spec === '2.0'
              ? 'spec_version is "2.0"; Rampart accepts STIX 2.1 only: convert the object and set spec_version to "2.1"'
              : `spec_version must be "2.1", got ${JSON.stringify(spec)}`,
      }),
    );
  }

  if (!compiled.check.Check(object)) {
    for (const error of compiled.check.Errors(object)) {
      if (problems.length >= limit) break;
      const detail = schemaProblem(error, path);
      if (detail !== undefined) problems.push(withId(id, detail));
    }
  }
  if (problems.length === 0) {
    const report = (detail: Omit<ProblemDetail, 'id'>) => problems.length < limit && problems.push(withId(id, detail));
    checkRules(object, type, compiled, path, options.checkPattern, report);
    checkRampart(object, type, path, report, schemaProblem);
  }
  // Every write path validates here, so voter personal data is refused on all of them (src/privacy).
  for (const found of voterDataProblems(object)) {
    if (problems.length >= limit) break;
    problems.push(withId(id, { path: found.at.reduce<string>((p, k) => joinPath(p, k), path), code: found.code, message: found.message }));
  }
  if (problems.length > 0) return err(dedupe(problems));

  // The schema has checked these shapes, so the casts below only restate what was verified.
  const created = object['created'];
  const modified = object['modified'];
  const name = object['name'];
  const description = object['description'];
  const createdBy = object['created_by_ref'];
  const markings = object['object_marking_refs'];
  return ok({
    id: rawId as StixId,
    type,
    kind: compiled.kind,
    custom: compiled.custom,
    created: typeof created === 'string' ? created : null,
    modified: typeof modified === 'string' ? modified : null,
    revoked: object['revoked'] === true,
    name: typeof name === 'string' ? name : null,
    description: typeof description === 'string' ? description : null,
    createdByRef: typeof createdBy === 'string' ? (createdBy as StixId) : null,
    objectMarkingRefs: Array.isArray(markings) ? (markings as StixId[]) : [],
    object,
  });
}

// A plain function, not a closure per object: tsx (how Rampart runs) wraps every named closure in a naming call.
function withId(id: string | undefined, detail: Omit<ProblemDetail, 'id'>): ProblemDetail {
  return id === undefined ? detail : { id, ...detail };
}

function schemaProblem(error: ValueError, base: string): Omit<ProblemDetail, 'id'> | undefined {
  const path = pointerToPath(base, error.path);
  const schema = error.schema as { format?: unknown; stixRef?: unknown; type?: unknown };
  const type = error.type;
  if (type === ValueErrorType.ObjectRequiredProperty) {
    return { path, code: 'missing-property', message: `${lastSegment(error.path)} is required` };
  }
  if (type === ValueErrorType.StringFormat) {
    if (schema.format === 'stix-timestamp-millis') {
      return { path, code: 'invalid-timestamp', message: `${JSON.stringify(error.value)} is not a STIX timestamp precise to the millisecond, e.g. 2024-11-05T13:00:00.000Z (UTC, ending in Z)` };
    }
    return { path, code: 'invalid-timestamp', message: `${JSON.stringify(error.value)} is not an RFC 3339 UTC timestamp such as 2024-11-05T13:00:00Z (real date and time, ending in Z)` };
  }
  if (type === ValueErrorType.StringPattern && Array.isArray(schema.stixRef)) {
    const types = schema.stixRef as string[];
    return {
      path,
      code: 'bad-reference',
      message:
        types.length === 0
          ? `${JSON.stringify(error.value)} is not a STIX identifier (<type>--<RFC 4122 UUID>)`
          : `${JSON.stringify(error.value)} must be the id of ${types.join(' or ')} (<type>--<RFC 4122 UUID>)`,
    };
  }
  if (type === ValueErrorType.StringPattern) return { path, code: 'invalid-value', message: `${JSON.stringify(error.value)} ${error.message.toLowerCase()}` };
  if (type === ValueErrorType.ArrayMinItems) return { path, code: 'empty-list', message: 'lists may not be empty in STIX; omit the property instead' };
  if (type === ValueErrorType.ObjectMinProperties) return { path, code: 'empty-object', message: 'this dictionary may not be empty; omit the property instead' };
  if (type === ValueErrorType.Union || type === ValueErrorType.Literal) {
    const allowed = allowedValues(error.schema);
    return { path, code: 'invalid-value', message: `${JSON.stringify(error.value)} is not an allowed value${allowed.length === 0 ? '' : `; use one of ${allowed.join(', ')}`}` };
  }
  // A missing value is reported once, as ObjectRequiredProperty, not again as a type mismatch.
  if (error.value === undefined) return undefined;
  return { path, code: 'wrong-type', message: `${error.message.toLowerCase()}; got ${describe(error.value)}` };
}

/** The values a union of string literals allows (an enumeration in the schema), or none. */
function allowedValues(schema: unknown): string[] {
  const anyOf = (schema as { anyOf?: unknown }).anyOf;
  if (!Array.isArray(anyOf)) return [];
  const values = anyOf.map((s: unknown) => (typeof s === 'object' && s !== null ? (s as { const?: unknown }).const : undefined));
  return values.every((v): v is string => typeof v === 'string') ? values : [];
}

function lastSegment(pointer: string): string {
  return pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
}

function dedupe(problems: ProblemDetail[]): ProblemDetail[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path ?? ''}\u0000${p.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value) ?? ''}`;
}
