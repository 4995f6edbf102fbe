import fc from 'fast-check';
import type { Credential, KnownIds } from './robustness-hub.ts';

/** One route of the app: method, path with `{param}` placeholders, its declared query fields and JSON body schema. */
export interface RouteSpec {
  readonly method: string;
  readonly path: string;
  readonly params: readonly string[];
  readonly query: readonly string[];
  readonly body?: JsonSchema;
}

/** The part of JSON Schema (as the OpenAPI document carries it) the generators read. */
export interface JsonSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly anyOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly items?: JsonSchema;
  readonly default?: unknown;
}

export interface HostileRequest {
  readonly method: string;
  readonly url: string;
  readonly credential: Credential;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string | Buffer;
  /** What the body is, for the failure message. */
  readonly kind: string;
}

export const TAXII_MEDIA = 'application/taxii+json;version=2.1';
const TLP_CLEAR = 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487';
const TLP_RED = 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1';

const HUGE = 'x'.repeat(70 * 1024);
const LONG = 'y'.repeat(5000);

/** Path segments that are not ids, or ids gone slightly wrong, already as they go into a URL. */
const HOSTILE_SEGMENTS = [
  'not-an-id',
  '0',
  '-1',
  '9'.repeat(30),
  'indicator--00000000-0000-0000-0000-000000000000',
  'INDICATOR--5B1E0C1A-7D1F-4C2E-9A43-0D6A1F3C0001',
  'indicator--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0001x',
  'malware--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0001',
  'identity--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0001',
  '5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0001',
  '%00',
  '%ZZ',
  '%',
  '%C0%AF',
  '%E2%80%AE',
  '..',
  '.',
  '%2e%2e%2f%2e%2e',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  encodeURIComponent('ユニコード😀'),
  encodeURIComponent("' OR '1'='1"),
  encodeURIComponent('<script>alert(1)</script>'),
  encodeURIComponent('a/b'),
  'a'.repeat(101),
  'a'.repeat(3000),
];

const HOSTILE_QUERY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'limit', 'cursor', 'next', 'after', 'since', 'added_after', 'match[type]', 'match[id]', 'match[version]', 'match[spec_version]', 'type', 'q', 'versions', 'tlp', 'audience', 'publish', 'format', '', 'a[b][c]', 'limit[]'];

const HOSTILE_QUERY_VALUES = [
  '', ' ', '-1', '0', '1', '1001', '1e309', 'NaN', 'Infinity', '1.5', '0x10', '99999999999999999999999', 'true', 'false', 'null', '[]', '{}', 'abc',
  '2024-11-05T13:00:00Z', '2024-11-05T13:00:00.123456Z', '2024-13-45T99:99:99Z', '2024-02-30T00:00:00Z', '2024-11-05', 'yesterday', '0000-00-00T00:00:00Z',
  'latest', 'all', 'first', 'last', 'indicator', 'indicator,report', 'Not_A_Type', ',,,', 'community', 'public', 'state:55', 'state:99', 'org:identity--x', 'group:x', 'user:',
  'red', 'AMBER', 'amber+strict', 'clear', 'green', 'jsonl', 'csv', 'eyJhIjoxfQ', 'eyJhIjoxfQ.c2ln', 'AAAA', LONG, '\u0000', '😀', '__proto__', 'constructor',
];

// Mostly media types the route serves (weighted in hostileRequest), so that most requests get past content negotiation.
const GOOD_ACCEPTS_REST = [undefined, 'application/json', '*/*', 'application/problem+json', 'application/json, text/plain;q=0.5'];
const BAD_ACCEPTS_REST = ['text/html', 'application/xml', TAXII_MEDIA, 'text/event-stream', 'application/json;q=0', '\u00e9; ;=', ''];
const GOOD_ACCEPTS_TAXII = [TAXII_MEDIA, 'application/taxii+json', `${TAXII_MEDIA}, */*;q=0.1`];
const BAD_ACCEPTS_TAXII = ['application/taxii+json;version=2.0', '*/*', 'application/json', undefined, 'text/html', '\u00e9; ;='];
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  TAXII_MEDIA,
  'application/stix+json;version=2.1',
  'text/plain',
  'application/x-ndjson',
  'application/octet-stream',
  'multipart/form-data; boundary=xyz',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/taxii+json;version=2.0',
  'garbage',
  '',
];

const segment = (known: KnownIds): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known.objects, ...known.orgs, ...known.users, ...known.groups, ...known.collections, ...known.keys, ...known.feeds, ...known.statuses) },
    { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(encodeURIComponent) },
  );

/** A query string: declared and hostile fields, repeated ones, odd values, and now and then raw, badly encoded text. */
const queryString = (route: RouteSpec, known: KnownIds): fc.Arbitrary<string> => {
  const key = fc.oneof(
    { weight: 4, arbitrary: route.query.length === 0 ? fc.constantFrom(...HOSTILE_QUERY_KEYS) : fc.constantFrom(...route.query) },
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_QUERY_KEYS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  );
  const value = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_QUERY_VALUES) },
    { weight: 1, arbitrary: fc.constantFrom(...known.objects, ...known.statuses) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  );
  const pair = fc.tuple(key, value).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  const raw = fc.constantFrom('limit=%zz', '&&&', '=', '==1', 'limit', 'match[type]=indicator&match[type]=', 'a[b][c]=1', 'limit=1&limit=2', '%', '__proto__[x]=1', 'constructor[prototype][x]=1', `q=${'%F0%9F'}`, 'cursor=%00');
  return fc.array(fc.oneof({ weight: 5, arbitrary: pair }, { weight: 1, arbitrary: raw }), { maxLength: 5 }).map((parts) => parts.join('&'));
};

/** A value that sits where it is somewhat plausible, so that the one wrong field is the error. */
function sample(schema: JsonSchema, name: string, known: KnownIds): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.enum !== undefined && schema.enum.length > 0) return schema.enum[0];
  if (schema.anyOf !== undefined && schema.anyOf[0] !== undefined) return sample(schema.anyOf[0], name, known);
  if (schema.type === 'object') return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, s]) => [k, sample(s, k, known)]));
  if (schema.type === 'array') return name === 'audience' ? ['community'] : [sample(schema.items ?? {}, name, known)];
  if (schema.type === 'boolean') return false;
  if (schema.type === 'integer' || schema.type === 'number') return 3600;
  const plausible: Record<string, string> = {
    email: 'someone@cedar-bend.example',
    password: 'not the password of anyone',
    current_password: 'not the password of anyone',
    new_password: 'another fine horse battery',
    org_id: known.orgs[1] ?? '',
    url: 'http://127.0.0.1:9/taxii2/',
    credential_ref: 'none',
    state_fips: '55',
    county_fips: '55025',
    code: '123456',
    expires_at: '2099-01-01T00:00:00Z',
  };
  return plausible[name] ?? 'Plausible text';
}

const WRONG_VALUES: readonly unknown[] = [null, 0, -1, 1.5, 1e308, true, [], {}, 'x', '', [null], { a: [] }, LONG];

/** A nest of arrays `depth` deep, as JSON text (a value JSON.stringify would need recursion to write). */
const deepText = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;
const deepObjectText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

function stixIndicator(uuid: string): Record<string, unknown> {
  return {
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${uuid}`,
    created: '2026-11-03T09:00:00.000Z',
    modified: '2026-11-03T09:00:00.000Z',
    name: 'Look-alike domain of the election office (fictional)',
    pattern: "[domain-name:value = 'cedar-bend-votes.example']",
    pattern_type: 'stix',
    valid_from: '2026-11-03T09:00:00Z',
  };
}

/** One property of a valid indicator corrupted: each is a way real clients get STIX almost right. */
const CORRUPTIONS: readonly [string, (o: Record<string, unknown>) => Record<string, unknown>][] = [
  ['unterminated pattern', (o) => ({ ...o, pattern: "[ipv4-addr:value = '10.0.0.1'" })],
  ['pattern with dangling AND', (o) => ({ ...o, pattern: "[ipv4-addr:value = '10.0.0.1'] AND" })],
  ['pattern of an unknown object type', (o) => ({ ...o, pattern: "[not-a-type:value = 'x']" })],
  ['pattern with a bad regex', (o) => ({ ...o, pattern: "[domain-name:value MATCHES '(((']" })],
  ['pattern with a bad CIDR', (o) => ({ ...o, pattern: "[ipv4-addr:value ISSUBSET '10.0.0.0/99']" })],
  ['pattern with deep parentheses', (o) => ({ ...o, pattern: `${'('.repeat(3000)}[ipv4-addr:value = '10.0.0.1']${')'.repeat(3000)}` })],
  ['pattern of another language', (o) => ({ ...o, pattern_type: 'sigma', pattern: 'title: x' })],
  ['pattern that is not a string', (o) => ({ ...o, pattern: ['[ipv4-addr:value = 1]'] })],
  ['id without uuid', (o) => ({ ...o, id: 'indicator--123' })],
  ['id of another type', (o) => ({ ...o, id: String(o['id']).replace('indicator--', 'malware--') })],
  ['id in upper case', (o) => ({ ...o, id: String(o['id']).toUpperCase() })],
  ['created on 30 February', (o) => ({ ...o, created: '2026-02-30T00:00:00Z', modified: '2026-02-30T00:00:00Z' })],
  ['timestamp without zone', (o) => ({ ...o, modified: '2026-11-03 09:00:00' })],
  ['modified before created', (o) => ({ ...o, modified: '2020-01-01T00:00:00.000Z' })],
  ['year 99999', (o) => ({ ...o, valid_from: '99999-01-01T00:00:00Z' })],
  ['valid_until before valid_from', (o) => ({ ...o, valid_until: '2020-01-01T00:00:00Z' })],
  ['spec_version 2.0', (o) => ({ ...o, spec_version: '2.0' })],
  ['type missing', (o) => ({ ...o, type: undefined })],
  ['created_by_ref of another organization', (o) => ({ ...o, created_by_ref: 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33' })],
  ['created_by_ref not an identity', (o) => ({ ...o, created_by_ref: 'indicator--5b1e0c1a-7d1f-4c2e-9a43-0d6a1f3c0001' })],
  ['two TLP markings', (o) => ({ ...o, object_marking_refs: [TLP_CLEAR, TLP_RED] })],
  ['marking that does not exist', (o) => ({ ...o, object_marking_refs: ['marking-definition--00000000-0000-4000-8000-000000000000'] })],
  ['granular marking with a bad selector', (o) => ({ ...o, granular_markings: [{ marking_ref: TLP_RED, selectors: ['nope.[x]'] }] })],
  ['extension that is not an object', (o) => ({ ...o, extensions: { 'extension-definition--00000000-0000-4000-8000-000000000000': 5 } })],
  ['ad-hoc custom property', (o) => ({ ...o, x_custom: { deep: [1, 2, 3] } })],
  ['property named __proto__', (o) => ({ ...o, ['__proto__']: { polluted: true } })],
  ['external reference of the wrong type', (o) => ({ ...o, external_references: 'https://example.com' })],
  ['ten thousand labels', (o) => ({ ...o, labels: Array.from({ length: 10_000 }, (_v, i) => `l${i}`) })],
  ['name that is huge', (o) => ({ ...o, name: 'n'.repeat(60_000) })],
  ['kill chain phase without a name', (o) => ({ ...o, kill_chain_phases: [{ kill_chain_name: 'lockheed' }] })],
  ['confidence 101', (o) => ({ ...o, confidence: 101 })],
  ['lang that is a number', (o) => ({ ...o, lang: 7 })],
];

/** A TLP and audience that contradict each other (DESIGN.md: "refused with a clear error, never widened or narrowed silently"). */
const CONTRADICTIONS: readonly { readonly tlp: string; readonly audience: readonly string[] }[] = [
  { tlp: 'red', audience: ['community'] },
  { tlp: 'amber+strict', audience: ['state:55'] },
  { tlp: 'green', audience: ['public'] },
  { tlp: 'amber', audience: ['community'] },
  { tlp: 'clear', audience: [] },
  { tlp: 'red', audience: ['user:00000000-0000-4000-8000-000000000000', 'public'] },
];

/** The body a route is meant to receive, close enough to valid that a mutation is the only fault. */
function baseBody(route: RouteSpec, known: KnownIds, uuid: string): { readonly json: unknown; readonly stix?: (object: Record<string, unknown>, sharing?: { tlp: string; audience: readonly string[] }) => unknown } {
  if (route.path === '/api/v1/objects') {
    const wrap = (object: Record<string, unknown>, sharing: { tlp: string; audience: readonly string[] } = { tlp: 'green', audience: ['community'] }) => ({ object, ...sharing });
    return { json: wrap(stixIndicator(uuid)), stix: wrap };
  }
  if (route.path === '/api/v1/import') {
    const wrap = (object: Record<string, unknown>) => ({ type: 'bundle', id: `bundle--${uuid}`, objects: [object] });
    return { json: wrap(stixIndicator(uuid)), stix: wrap };
  }
  if (/^\/taxii2\/.*\/objects\/$/.test(route.path)) {
    const wrap = (object: Record<string, unknown>) => ({ objects: [object] });
    return { json: wrap(stixIndicator(uuid)), stix: wrap };
  }
  if (route.path.endsWith('/admin/collections/')) return { json: { title: 'Filter', audience: 'community', types: ['indicator'], alias: 'filter-x' } };
  if (route.body !== undefined) return { json: sample(route.body, '', known) };
  return { json: {} };
}

const LOG_LINES = fc.oneof(
  fc.constantFrom('203.0.113.7 - - [03/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 12 "-" "x"', '{"src_ip":"203.0.113.7"}', 'ts,src\n1,203.0.113.7', '\u0000\u0001\u0002', '{"a":' + '['.repeat(5000), '#fields\tts\tid.orig_h\n1\t203.0.113.7', LONG),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field paths of a JSON value, one level into objects (`object.pattern`, `sharing.tlp`). */
function fieldsOf(json: unknown): string[][] {
  if (!isRecord(json)) return [];
  return Object.entries(json).flatMap(([k, v]) => [[k], ...(isRecord(v) ? Object.keys(v).map((k2) => [k, k2]) : [])]);
}

function withField(json: unknown, path: readonly string[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined || !isRecord(json)) return value;
  return { ...json, [head]: rest.length === 0 ? value : withField(json[head], rest, value) };
}

/** JSON text in which the value at `path` is replaced by raw text (deep nests JSON.stringify cannot write). */
function withRawField(json: unknown, path: readonly string[], raw: string): string {
  const marker = JSON.stringify('\u0000RAW\u0000');
  return JSON.stringify(withField(json, path, '\u0000RAW\u0000')).replace(marker, raw);
}

/** A body for `route`: JSON gone wrong in one of many ways, or almost-valid STIX. */
function hostileBody(route: RouteSpec, known: KnownIds): fc.Arbitrary<{ readonly payload: string | Buffer; readonly kind: string }> {
  if (route.path === '/api/v1/match') return LOG_LINES.map((payload) => ({ payload, kind: 'log lines' }));
  return fc.uuid({ version: 4 }).chain((uuid) => {
    const base = baseBody(route, known, uuid);
    const text = JSON.stringify(base.json);
    const fields = fieldsOf(base.json);
    const field = fields.length === 0 ? fc.constant<string[]>(['x']) : fc.constantFrom(...fields);
    const kinds: fc.Arbitrary<{ payload: string | Buffer; kind: string }>[] = [
      // The plausible body itself: with a hostile path, query or credential, the route's own checks decide.
      fc.constant({ payload: text, kind: 'plausible body' }),
      fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => ({ payload: text.slice(0, n), kind: `truncated JSON (${n} of ${text.length})` })),
      fc.constantFrom('{', '{"a":}', 'nul', '{"a":1}}', "{'a':1}", '[1,]', 'NaN', '\uFEFF{}', '{"a":"\\u12"}', '{"a":1,"a":2}', '"unterminated', ' ').map((payload) => ({ payload, kind: 'malformed JSON' })),
      fc.constant({ payload: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), kind: 'invalid UTF-8' }),
      fc.constantFrom('null', '[]', '1', '"text"', 'true', '[{}]').map((payload) => ({ payload, kind: 'JSON of the wrong type' })),
      fc.tuple(field, fc.constantFrom(...WRONG_VALUES)).map(([path, value]) => ({ payload: JSON.stringify(withField(base.json, path, value)), kind: `${path.join('.')} set to ${JSON.stringify(value).slice(0, 20)}` })),
      fc.tuple(field, fc.constantFrom(10_000, 60_000, 70 * 1024)).map(([path, n]) => ({ payload: JSON.stringify(withField(base.json, path, HUGE.slice(0, n))), kind: `${path.join('.')} a ${n}-character string` })),
      fc.tuple(field, fc.constantFrom(64, 2000, 20_000)).map(([path, depth]) => ({ payload: withRawField(base.json, path, depth % 2 === 0 ? deepText(depth) : deepObjectText(depth)), kind: `${path.join('.')} nested ${depth} deep` })),
      fc.constantFrom(5000, 30_000).map((depth) => ({ payload: deepText(depth), kind: `body nested ${depth} deep` })),
      fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype', 'x_unknown', '', 'toString', 'hasOwnProperty'), fc.constantFrom<unknown>({ polluted: true }, { prototype: { polluted: true } }, 1, null)).map(([key, value]) => ({
        payload: isRecord(base.json) ? `{${JSON.stringify(key)}:${JSON.stringify(value)},${text.slice(1)}` : text,
        kind: `unknown field ${JSON.stringify(key)}`,
      })),
      fc.constant({ payload: '', kind: 'empty body' }),
      fc.constant({ payload: HUGE, kind: 'over the body limit' }),
    ];
    const stix = base.stix;
    if (stix !== undefined) {
      kinds.push(
        fc.constantFrom(...CORRUPTIONS).map(([what, corrupt]) => ({ payload: JSON.stringify(stix(corrupt(stixIndicator(uuid)))), kind: `almost-valid STIX: ${what}` })),
        fc.constantFrom(...CONTRADICTIONS).map((c) => ({ payload: JSON.stringify(stix({ ...stixIndicator(uuid), object_marking_refs: c.tlp === 'clear' ? [TLP_CLEAR] : c.tlp === 'red' ? [TLP_RED] : undefined }, c)), kind: `TLP:${c.tlp} with audience ${c.audience.join(',')}` })),
      );
    }
    return fc.oneof(...kinds);
  });
}

/** Credentials that authenticate (with CSRF where a session needs it); the others are refused at the door. */
const WORKING: ReadonlySet<Credential> = new Set(['analyst-key', 'analyst-read-key', 'viewer-key', 'admin-key', 'outsider-key', 'basic-analyst', 'analyst-session', 'viewer-session', 'admin-session']);

const takesBody = (method: string) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method);

/** A hostile request to `route`: odd path parameters, query, headers, credentials and body. */
export function hostileRequest(route: RouteSpec, known: KnownIds, credentials: readonly Credential[]): fc.Arbitrary<HostileRequest> {
  const taxii = route.path.startsWith('/taxii2');
  const path = fc.tuple(...route.params.map(() => segment(known))).map((values) => {
    let i = 0;
    return route.path.replace(/\{[^}]+\}/g, () => values[i++] ?? '');
  });
  const method = route.method === 'GET' ? fc.constantFrom('GET', 'GET', 'GET', 'GET', 'HEAD') : fc.constant(route.method);
  const body = takesBody(route.method) ? fc.option(hostileBody(route, known), { freq: 8 }) : fc.constant(null);
  // Mostly the media type the route reads, so that most bodies reach its parser.
  const contentType = fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) });
  return fc
    .record({
      method,
      path,
      query: fc.option(queryString(route, known), { freq: 2 }),
      credential: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...credentials.filter((c) => WORKING.has(c))) }, { weight: 1, arbitrary: fc.constantFrom(...credentials) }),
      accept: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...(taxii ? GOOD_ACCEPTS_TAXII : GOOD_ACCEPTS_REST)) }, { weight: 1, arbitrary: fc.constantFrom(...(taxii ? BAD_ACCEPTS_TAXII : BAD_ACCEPTS_REST)) }),
      contentType,
      body,
      lastEventId: route.path === '/api/v1/live' ? fc.option(fc.constantFrom('1', '-1', 'abc', '9'.repeat(20), '', ' 1 '), { freq: 2 }) : fc.constant(null),
    })
    .map((r) => ({ ...r, contentType: r.contentType ?? (route.path === '/api/v1/match' ? 'text/plain' : taxii ? TAXII_MEDIA : 'application/json') }))
    .map(
      (r): HostileRequest => ({
        method: r.method,
        url: r.query === null || r.query === '' ? r.path : `${r.path}?${r.query}`,
        credential: r.credential,
        headers: {
          ...(r.accept === undefined ? {} : { accept: r.accept }),
          ...(r.body === null || r.contentType === '' ? {} : { 'content-type': r.contentType }),
          ...(r.lastEventId === null ? {} : { 'last-event-id': r.lastEventId }),
        },
        ...(r.body === null ? {} : { payload: r.body.payload }),
        kind: r.body?.kind ?? 'no body',
      }),
    );
}
