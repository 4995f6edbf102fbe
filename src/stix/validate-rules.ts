import type { ProblemDetail } from '../domain/problem.ts';
import { TLP_MARKING_IDS, TLP1_TO_TLP2 } from '../domain/tlp.ts';
import { joinPath } from './json-path.ts';
import { IDENTIFIER_PATTERN, META_TYPES, SCO_ANY_OF, SCO_TYPES, SDO_TYPES, SRO_TYPES, TLP2_EXTENSION_ID, type CompiledSchema } from './schema/index.ts';
import { compareTimestamps } from './timestamp.ts';

/** Parses a STIX pattern; the patterning module provides it (`parsePattern`). */
export type PatternChecker = (pattern: string) => { readonly ok: true } | { readonly ok: false; readonly error: { readonly code: string; readonly message: string; readonly column: number } };

type Report = (detail: Omit<ProblemDetail, 'id'>) => unknown;

const IDENTIFIER = new RegExp(IDENTIFIER_PATTERN);
const CUSTOM_PROPERTY = /^[a-z][a-z0-9_]{2,249}$/;
const EXT_KEY = /^[a-z][a-z0-9]*(-[a-z0-9]+)*-ext$/;
const EXT_DEF_KEY = /^extension-definition--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
const BINARY = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2}==)$/;
const HEX = /^([a-fA-F0-9]{2})+$/;
/** Names STIX 2.1 reserves at the top level of an object (§3.1 / OASIS core.json). */
const RESERVED = new Set(['severity', 'action', 'username', 'phone_numbers']);
/** Objects a relationship or sighting may not point at: other relationships and the meta objects. */
const NOT_CONNECTABLE = new Set([...SRO_TYPES, ...META_TYPES, 'bundle']);
const TLP1_IDS = new Map(Object.entries(TLP1_TO_TLP2));
const TLP2_IDS = new Set(Object.values(TLP_MARKING_IDS));

/** SCO types that only require "at least one property" (§6). */
const AT_LEAST_ONE = new Set(['process', 'user-account', 'windows-registry-key', 'x509-certificate']);
const SCO_COMMON = new Set(['type', 'id', 'spec_version', 'object_marking_refs', 'granular_markings', 'defanged']);

const typeOf = (id: string): string => id.slice(0, id.indexOf('--'));

/** The rules a schema cannot express (cross-property, cross-reference, custom content). */
export function checkRules(
  object: Readonly<Record<string, unknown>>,
  type: string,
  compiled: CompiledSchema,
  path: string,
  checkPattern: PatternChecker | undefined,
  report: Report,
): void {
  const id = object['id'] as string;
  if (typeOf(id) !== type) {
    report({ path: joinPath(path, 'id'), code: 'id-type-mismatch', message: `id "${id}" must start with its type: ${type}--<uuid>` });
  }
  const created = object['created'];
  const modified = object['modified'];
  if (typeof created === 'string' && typeof modified === 'string' && compareTimestamps(modified, created) < 0) {
    report({ path: joinPath(path, 'modified'), code: 'modified-before-created', message: `modified (${modified}) is earlier than created (${created}); a version cannot predate the object` });
  }
  checkProperties(object, compiled, path, report);
  checkTypeRules(object, type, path, checkPattern, report);
  const extensions = object['extensions'];
  if (typeof extensions === 'object' && extensions !== null) checkExtensions(extensions as Record<string, unknown>, joinPath(path, 'extensions'), report);
}

function checkProperties(object: Readonly<Record<string, unknown>>, compiled: CompiledSchema, path: string, report: Report): void {
  for (const key in object) {
    const value = object[key];
    if (RESERVED.has(key)) {
      report({ path: joinPath(path, key), code: 'reserved-property', message: `"${key}" is a reserved STIX property name; rename it (e.g. x_${key}) or move it into an extension` });
      continue;
    }
    if (compiled.known.has(key)) continue;
    const at = joinPath(path, key);
    if (!CUSTOM_PROPERTY.test(key)) {
      report({ path: at, code: 'invalid-property-name', message: `custom property "${key}" must be 3–250 characters of lowercase ASCII letters, digits and underscores, starting with a letter` });
      continue;
    }
    if (value === null) {
      report({ path: at, code: 'wrong-type', message: 'null is not a STIX value; omit the property instead' });
    } else if (Array.isArray(value) && value.length === 0) {
      report({ path: at, code: 'empty-list', message: 'lists may not be empty in STIX; omit the property instead' });
    } else if (key.endsWith('_ref')) {
      // An empty string is tolerated in custom refs: MITRE ATT&CK publishes `x_mitre_data_source_ref: ""`.
      if (typeof value !== 'string' || (value !== '' && !IDENTIFIER.test(value))) report({ path: at, code: 'bad-reference', message: `${key} must be a STIX identifier (<type>--<uuid>)` });
    } else if (key.endsWith('_refs')) {
      if (!Array.isArray(value)) report({ path: at, code: 'bad-reference', message: `${key} must be a list of STIX identifiers` });
      else value.forEach((v, i) => (typeof v !== 'string' || !IDENTIFIER.test(v)) && report({ path: joinPath(at, i), code: 'bad-reference', message: `${JSON.stringify(v)} is not a STIX identifier (<type>--<uuid>)` }));
    } else if (key.endsWith('_bin') && (typeof value !== 'string' || !BINARY.test(value))) {
      report({ path: at, code: 'invalid-value', message: `${key} must be base64-encoded binary (properties ending in _bin)` });
    } else if (key.endsWith('_hex') && (typeof value !== 'string' || !HEX.test(value))) {
      report({ path: at, code: 'invalid-value', message: `${key} must be an even number of hex digits (properties ending in _hex)` });
    }
  }
}

function missing(object: Readonly<Record<string, unknown>>, keys: readonly string[]): boolean {
  return keys.every((k) => object[k] === undefined);
}

function checkTypeRules(object: Readonly<Record<string, unknown>>, type: string, path: string, checkPattern: PatternChecker | undefined, report: Report): void {
  switch (type) {
    case 'indicator': {
      const from = object['valid_from'] as string;
      const until = object['valid_until'];
      if (typeof until === 'string' && compareTimestamps(until, from) <= 0) {
        report({ path: joinPath(path, 'valid_until'), code: 'invalid-validity-window', message: `valid_until (${until}) must be later than valid_from (${from})` });
      }
      if (object['pattern_type'] === 'stix' && checkPattern !== undefined) {
        const parsed = checkPattern(object['pattern'] as string);
        if (!parsed.ok) {
          report({ path: joinPath(path, 'pattern'), code: 'invalid-pattern', message: `STIX pattern error at column ${parsed.error.column}: ${parsed.error.message}` });
        }
      }
      return;
    }
    case 'relationship':
      for (const key of ['source_ref', 'target_ref'] as const) {
        const ref = object[key] as string;
        if (NOT_CONNECTABLE.has(typeOf(ref))) report({ path: joinPath(path, key), code: 'bad-reference', message: `${key} must be the id of an SDO or SCO, not a ${typeOf(ref)}` });
      }
      return;
    case 'sighting': {
      const ref = object['sighting_of_ref'] as string;
      const target = typeOf(ref);
      if (NOT_CONNECTABLE.has(target) || SCO_TYPES.has(target)) report({ path: joinPath(path, 'sighting_of_ref'), code: 'bad-reference', message: `sighting_of_ref must be the id of an SDO (e.g. an indicator), not a ${target}` });
      return;
    }
    case 'malware':
      if (object['is_family'] === true && object['name'] === undefined) report({ path: joinPath(path, 'name'), code: 'missing-property', message: 'name is required when is_family is true' });
      return;
    case 'malware-analysis':
      if (missing(object, ['result', 'analysis_sco_refs'])) report({ path, code: 'missing-property', message: 'malware-analysis needs result or analysis_sco_refs' });
      if (typeof object['sample_ref'] === 'string' && !['file', 'artifact', 'network-traffic'].includes(typeOf(object['sample_ref']))) {
        report({ path: joinPath(path, 'sample_ref'), code: 'bad-reference', message: 'sample_ref must be the id of a file, artifact or network-traffic' });
      }
      return;
    case 'location': {
      const hasLat = object['latitude'] !== undefined;
      const hasLong = object['longitude'] !== undefined;
      if (missing(object, ['region', 'country']) && !(hasLat && hasLong)) report({ path, code: 'missing-property', message: 'location needs region, country, or latitude and longitude' });
      if (hasLat !== hasLong) report({ path, code: 'missing-property', message: 'latitude and longitude must be given together' });
      if (object['precision'] !== undefined && !(hasLat && hasLong)) report({ path: joinPath(path, 'precision'), code: 'missing-property', message: 'precision requires latitude and longitude' });
      return;
    }
    case 'observed-data': {
      const hasObjects = object['objects'] !== undefined;
      const refs = object['object_refs'];
      if (hasObjects === (refs !== undefined)) report({ path, code: 'missing-property', message: 'observed-data needs exactly one of object_refs (preferred) or objects' });
      if (Array.isArray(refs)) {
        refs.forEach((r: string, i) => SDO_TYPES.has(typeOf(r)) && report({ path: joinPath(joinPath(path, 'object_refs'), i), code: 'bad-reference', message: `object_refs may name SCOs and SROs only, not a ${typeOf(r)}` }));
      }
      if (typeof object['first_observed'] === 'string' && typeof object['last_observed'] === 'string' && compareTimestamps(object['last_observed'], object['first_observed']) < 0) {
        report({ path: joinPath(path, 'last_observed'), code: 'invalid-value', message: 'last_observed must not be earlier than first_observed' });
      }
      return;
    }
    case 'language-content': {
      const target = typeOf(object['object_ref'] as string);
      if (target === 'bundle' || target === 'language-content') report({ path: joinPath(path, 'object_ref'), code: 'bad-reference', message: `object_ref cannot point at a ${target}` });
      return;
    }
    case 'marking-definition':
      checkMarkingDefinition(object, path, report);
      return;
    default: {
      const anyOf = SCO_ANY_OF[type];
      if (anyOf !== undefined && missing(object, anyOf)) report({ path, code: 'missing-property', message: `${type} needs at least one of ${anyOf.join(', ')}` });
      if (AT_LEAST_ONE.has(type) && Object.keys(object).every((k) => SCO_COMMON.has(k))) {
        report({ path, code: 'missing-property', message: `${type} needs at least one of its own properties besides the common ones` });
      }
    }
  }
}

function checkMarkingDefinition(object: Readonly<Record<string, unknown>>, path: string, report: Report): void {
  const id = object['id'] as string;
  const definitionType = object['definition_type'];
  const definition = object['definition'] as Record<string, unknown> | undefined;
  if (definitionType === undefined && definition === undefined) {
    if (object['extensions'] === undefined) report({ path, code: 'missing-property', message: 'marking-definition needs definition_type and definition, or an extension (e.g. the TLP 2.0 extension)' });
    return;
  }
  if (definitionType === undefined || definition === undefined) {
    report({ path: joinPath(path, definitionType === undefined ? 'definition_type' : 'definition'), code: 'missing-property', message: 'definition_type and definition must be given together' });
    return;
  }
  if (definitionType === 'statement') {
    if (typeof definition['statement'] !== 'string') report({ path: joinPath(joinPath(path, 'definition'), 'statement'), code: 'missing-property', message: 'a statement marking needs definition.statement (a string)' });
  } else if (definitionType === 'tlp') {
    const level = TLP1_IDS.get(id);
    const expected = level === 'clear' ? 'white' : level;
    if (expected === undefined) {
      report({ path: joinPath(path, 'id'), code: 'invalid-tlp-marking', message: 'a definition_type "tlp" marking must be one of the four official TLP 1.0 marking-definition ids (STIX 2.1 §7.2.1.4); reference the official id instead of redefining it' });
    } else if (definition['tlp'] !== expected || object['name'] !== `TLP:${expected.toUpperCase()}` || object['created'] !== '2017-01-20T00:00:00.000Z') {
      report({ path, code: 'invalid-tlp-marking', message: `${id} is the official TLP:${expected.toUpperCase()} marking; its definition, name and created must match the specification exactly` });
    }
  } else if (typeof definitionType === 'string' && (definitionType.startsWith('statement') || definitionType.endsWith('tlp'))) {
    report({ path: joinPath(path, 'definition_type'), code: 'invalid-value', message: `definition_type "${definitionType}" is too close to a predefined one; use "statement", "tlp" or a distinct name` });
  }
  if (TLP2_IDS.has(id) && definitionType !== undefined) {
    report({ path, code: 'invalid-tlp-marking', message: `${id} is an official TLP 2.0 marking and uses the TLP 2.0 extension, not definition_type` });
  }
}

function checkExtensions(extensions: Readonly<Record<string, unknown>>, path: string, report: Report): void {
  for (const key in extensions) {
    const value = extensions[key];
    const at = joinPath(path, key);
    const isDef = EXT_DEF_KEY.test(key);
    if (!isDef && !EXT_KEY.test(key)) {
      report({ path: at, code: 'invalid-extension-key', message: `extension key "${key}" must be an extension-definition id or a predefined extension name ending in -ext` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
      report({ path: at, code: 'wrong-type', message: 'an extension must be a non-empty object' });
      continue;
    }
    const entry = value as Record<string, unknown>;
    if (isDef && entry['extension_type'] === undefined) {
      report({ path: joinPath(at, 'extension_type'), code: 'missing-property', message: 'an extension keyed by an extension-definition id needs extension_type (e.g. "property-extension")' });
    }
    if (key === TLP2_EXTENSION_ID && !['clear', 'green', 'amber', 'amber+strict', 'red'].includes(entry['tlp_2_0'] as string)) {
      report({ path: joinPath(at, 'tlp_2_0'), code: 'invalid-value', message: 'tlp_2_0 must be one of clear, green, amber, amber+strict, red' });
    }
  }
}
