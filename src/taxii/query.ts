import { parseStixId, type StixId } from '../domain/ids.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { microsFromIso } from '../stix/timestamp.ts';
import { taxiiError, type TaxiiError } from './errors.ts';

/** Which endpoint a query is for: each accepts its own parameters (TAXII §5.3–5.8). */
export type Endpoint = 'objects' | 'manifest' | 'object' | 'delete' | 'versions' | 'plain';

const PARAMS: Readonly<Record<Endpoint, readonly string[]>> = {
  objects: ['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]'],
  manifest: ['added_after', 'limit', 'next', 'match[id]', 'match[type]', 'match[version]', 'match[spec_version]'],
  object: ['added_after', 'limit', 'next', 'match[version]', 'match[spec_version]'],
  delete: ['match[version]', 'match[spec_version]'],
  versions: ['added_after', 'limit', 'next', 'match[spec_version]'],
  plain: [],
};

/** match[version] (§3.4.2): `last` by default; `first`, `last` and exact `modified` values may be combined; `all` stands alone. */
export interface VersionMatch {
  readonly all: boolean;
  readonly first: boolean;
  readonly last: boolean;
  /** Exact versions, as microseconds since the epoch (precision-insensitive comparison). */
  readonly exact: ReadonlySet<number>;
}

export interface TaxiiQuery {
  readonly addedAfterUs?: number;
  readonly limit?: number;
  readonly next?: string;
  readonly ids?: readonly StixId[];
  readonly types?: readonly string[];
  readonly version: VersionMatch;
  /** match[version] was sent (DELETE without it removes every version). */
  readonly versionGiven?: true;
  /** Spec versions asked for; none means the latest (2.1, the only one stored). */
  readonly specVersions?: readonly string[];
}

const LAST: VersionMatch = { all: false, first: false, last: true, exact: new Set() };
const TYPE = /^[a-z0-9](?:[a-z0-9-]{0,248}[a-z0-9])?$/;
const SPEC_VERSION = /^\d+\.\d+$/;

const bad = (code: string, message: string): TaxiiError => taxiiError(400, code, message);

/** One value per field (§3.4: added_after and each match field at most once), split on commas. */
function single(params: URLSearchParams, name: string): Result<string | undefined, TaxiiError> {
  const all = params.getAll(name);
  if (all.length > 1) return err(bad('repeated-parameter', `${name} appears ${all.length} times; give it once (comma-separate several values of a match field)`));
  const value = all[0];
  if (value === '') return err(bad('empty-parameter', `${name} is empty; give a value or leave it out`));
  return ok(value);
}

function list(value: string, name: string): Result<string[], TaxiiError> {
  const parts = value.split(',');
  if (parts.some((p) => p === '')) return err(bad('empty-value', `${name}="${value}" has an empty item; separate values with single commas and no spaces`));
  return ok(parts);
}

function parseVersion(value: string): Result<VersionMatch, TaxiiError> {
  const parts = list(value, 'match[version]');
  if (!parts.ok) return parts;
  if (new Set(parts.value).size !== parts.value.length) return err(bad('repeated-value', `match[version]="${value}" repeats a value; give each once`));
  if (parts.value.includes('all')) {
    return parts.value.length === 1 ? ok({ all: true, first: false, last: false, exact: new Set() }) : err(bad('invalid-version', 'match[version]=all cannot be combined with other values; send all on its own'));
  }
  const exact = new Set<number>();
  for (const part of parts.value) {
    if (part === 'first' || part === 'last') continue;
    const micros = microsFromIso(part);
    if (micros === null) return err(bad('invalid-version', `match[version] value "${part}" is not first, last, all or a STIX timestamp such as 2024-11-05T13:00:00.000Z`));
    exact.add(micros);
  }
  return ok({ all: false, first: parts.value.includes('first'), last: parts.value.includes('last'), exact });
}

/** Parses a TAXII query string for `endpoint`; every malformed or unsupported parameter is a 400 (§3.4). */
export function parseTaxiiQuery(search: string, endpoint: Endpoint): Result<TaxiiQuery, TaxiiError> {
  const params = new URLSearchParams(search);
  const allowed = PARAMS[endpoint];
  for (const name of new Set(params.keys())) {
    if (!allowed.includes(name)) {
      const hint = allowed.length === 0 ? 'this endpoint takes no parameters' : `this endpoint takes ${allowed.join(', ')}`;
      return err(bad('unsupported-parameter', `"${name}" is not a parameter of this endpoint; ${hint}`));
    }
  }
  let query: TaxiiQuery = { version: LAST };

  const addedAfter = single(params, 'added_after');
  if (!addedAfter.ok) return addedAfter;
  if (addedAfter.value !== undefined) {
    const micros = microsFromIso(addedAfter.value);
    if (micros === null) return err(bad('invalid-added-after', `added_after="${addedAfter.value}" is not a timestamp; use RFC 3339 in UTC, e.g. 2024-11-05T13:00:00.000000Z`));
    query = { ...query, addedAfterUs: micros };
  }

  const limit = single(params, 'limit');
  if (!limit.ok) return limit;
  if (limit.value !== undefined) {
    if (!/^[1-9]\d{0,8}$/.test(limit.value)) return err(bad('invalid-limit', `limit="${limit.value}" must be a whole number greater than 0`));
    query = { ...query, limit: Number(limit.value) };
  }

  const next = single(params, 'next');
  if (!next.ok) return next;
  if (next.value !== undefined) query = { ...query, next: next.value };

  const id = single(params, 'match[id]');
  if (!id.ok) return id;
  if (id.value !== undefined) {
    const parts = list(id.value, 'match[id]');
    if (!parts.ok) return parts;
    const ids: StixId[] = [];
    for (const part of parts.value) {
      const parsed = parseStixId(part);
      if (!parsed.ok) return err(bad('invalid-id', `match[id]: ${parsed.error.message}`));
      ids.push(parsed.value);
    }
    query = { ...query, ids: [...new Set(ids)] };
  }

  const type = single(params, 'match[type]');
  if (!type.ok) return type;
  if (type.value !== undefined) {
    const parts = list(type.value, 'match[type]');
    if (!parts.ok) return parts;
    const wrong = parts.value.find((t) => !TYPE.test(t));
    if (wrong !== undefined) return err(bad('invalid-type', `match[type] value "${wrong}" is not a STIX type name (lower-case letters, digits and hyphens)`));
    query = { ...query, types: [...new Set(parts.value)] };
  }

  const version = single(params, 'match[version]');
  if (!version.ok) return version;
  if (version.value !== undefined) {
    const parsed = parseVersion(version.value);
    if (!parsed.ok) return parsed;
    query = { ...query, version: parsed.value, versionGiven: true };
  }

  const spec = single(params, 'match[spec_version]');
  if (!spec.ok) return spec;
  if (spec.value !== undefined) {
    const parts = list(spec.value, 'match[spec_version]');
    if (!parts.ok) return parts;
    const wrong = parts.value.find((s) => !SPEC_VERSION.test(s));
    if (wrong !== undefined) return err(bad('invalid-spec-version', `match[spec_version] value "${wrong}" is not a spec version such as 2.1`));
    query = { ...query, specVersions: [...new Set(parts.value)] };
  }
  return ok(query);
}

/** The query string of a request URL (without the `?`). */
export function searchOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}
