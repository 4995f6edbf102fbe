import { err, ok, type Result } from '../../domain/result.ts';
import { readBundle } from '../../stix/bundle-reader.ts';
import { taxiiError, type TaxiiClientError } from './errors.ts';
import {
  parseApiRoot,
  parseCollection,
  parseCollections,
  parseDiscovery,
  parseEnvelope,
  parseManifest,
  parseStatus,
  type ApiRoot,
  type Collection,
  type Discovery,
  type Envelope,
  type Manifest,
  type Status,
} from './resources.ts';
import type { TaxiiResponse, TaxiiTransport } from './transport.ts';

/** Filters of GET objects and GET manifest (TAXII 2.1 §3.4). */
export interface ObjectsQuery {
  readonly addedAfter?: string;
  readonly limit?: number;
  readonly next?: string;
  readonly types?: readonly string[];
  readonly ids?: readonly string[];
  readonly versions?: 'first' | 'last' | 'all';
}

/** One page and its X-TAXII-Date-Added-First/Last headers. */
export interface PageOf<T> {
  readonly resource: T;
  readonly dateAddedFirst: string | null;
  readonly dateAddedLast: string | null;
}

/** An envelope page with each object's exact text, in order (null when the texts could not be matched to the objects). */
export interface EnvelopePage extends PageOf<Envelope> {
  readonly texts: readonly string[] | null;
}

/** The text of each element of the envelope's `objects`, as the server sent it. */
async function objectTexts(text: string, count: number): Promise<readonly string[] | null> {
  const texts: string[] = [];
  for await (const items of readBundle([text])) {
    for (const item of items) {
      if (item.kind !== 'object') return null;
      texts.push(item.text.trim());
    }
  }
  return texts.length === count ? texts : null;
}

/** Where a collection lives: its API root (with max_content_length) and its own URL. */
export interface CollectionLocation {
  readonly apiRootUrl: string;
  readonly apiRoot: ApiRoot;
  readonly collectionUrl: string;
  readonly collection: Collection;
}

/** Adds the trailing slash every TAXII path ends with (§3.1). */
export function withSlash(url: string): string {
  const u = new URL(url);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.toString();
}

function resolve(base: string, relative: string): string {
  return withSlash(new URL(relative, base).toString());
}

function queryString(query: ObjectsQuery): string {
  const params = new URLSearchParams();
  if (query.addedAfter !== undefined) params.set('added_after', query.addedAfter);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.next !== undefined) params.set('next', query.next);
  if (query.types !== undefined && query.types.length > 0) params.set('match[type]', query.types.join(','));
  if (query.ids !== undefined && query.ids.length > 0) params.set('match[id]', query.ids.join(','));
  if (query.versions !== undefined) params.set('match[version]', query.versions);
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

function parsed<T>(response: TaxiiResponse, parse: (v: unknown) => Result<T, string>, empty: T | undefined): Result<T, TaxiiClientError> {
  if (response.body === null) {
    return empty === undefined ? err(taxiiError('taxii-bad-response', `${response.url} answered ${response.status} with an empty body`, { url: response.url })) : ok(empty);
  }
  const result = parse(response.body);
  return result.ok ? result : err(taxiiError('taxii-bad-response', `${response.url}: ${result.error}`, { url: response.url, status: response.status }));
}

function page<T>(response: TaxiiResponse, resource: T): PageOf<T> {
  return { resource, dateAddedFirst: response.headers.get('x-taxii-date-added-first'), dateAddedLast: response.headers.get('x-taxii-date-added-last') };
}

export interface TaxiiClient {
  discovery(url: string): Promise<Result<Discovery, TaxiiClientError>>;
  apiRoot(url: string): Promise<Result<ApiRoot, TaxiiClientError>>;
  collections(apiRootUrl: string): Promise<Result<readonly Collection[], TaxiiClientError>>;
  /** Finds a collection from a discovery URL (its default API root first) or an API root URL. */
  locate(url: string, collectionId: string): Promise<Result<CollectionLocation, TaxiiClientError>>;
  objects(collectionUrl: string, query: ObjectsQuery): Promise<Result<EnvelopePage, TaxiiClientError>>;
  manifest(collectionUrl: string, query: ObjectsQuery): Promise<Result<PageOf<Manifest>, TaxiiClientError>>;
  /** POSTs an envelope given as JSON text (so objects keep their exact bytes); the server answers 202 with a status. */
  addObjects(collectionUrl: string, envelopeJson: string): Promise<Result<Status, TaxiiClientError>>;
  status(apiRootUrl: string, statusId: string): Promise<Result<Status, TaxiiClientError>>;
  /** Polls a status until it is complete, waiting `intervalMs` between polls, at most `timeoutMs`. */
  waitForStatus(apiRootUrl: string, first: Status, wait: { readonly intervalMs: number; readonly timeoutMs: number; readonly sleep?: (ms: number) => Promise<void> }): Promise<Result<Status, TaxiiClientError>>;
}

export function taxiiClient(transport: TaxiiTransport): TaxiiClient {
  const get = async <T>(url: string, parse: (v: unknown) => Result<T, string>, empty?: T) => {
    const response = await transport.request(url);
    return response.ok ? parsed(response.value, parse, empty) : response;
  };
  const client: TaxiiClient = {
    discovery: (url) => get(withSlash(url), parseDiscovery),
    apiRoot: (url) => get(withSlash(url), parseApiRoot),
    async collections(apiRootUrl) {
      const result = await get(resolve(withSlash(apiRootUrl), 'collections/'), parseCollections, {});
      return result.ok ? ok(result.value.collections ?? []) : result;
    },
    async locate(url, collectionId) {
      let base: string;
      try {
        base = withSlash(url);
      } catch {
        return err(taxiiError('taxii-invalid-url', `"${url}" is not a URL; give the server's discovery or API root URL, e.g. https://hub.example.gov/taxii2/`));
      }
      const first = await transport.request(base);
      if (!first.ok) return first;
      const body = first.value.body;
      const asRoot = parseApiRoot(body);
      let roots: string[];
      if (asRoot.ok) roots = [base];
      else {
        const discovery = parseDiscovery(body);
        if (!discovery.ok) return err(taxiiError('taxii-not-a-root', `${base} is neither a TAXII 2.1 discovery endpoint nor an API root (${asRoot.error}); give e.g. https://hub.example.gov/taxii2/`, { url: base }));
        const listed = discovery.value.api_roots ?? [];
        const ordered = discovery.value.default === undefined ? listed : [discovery.value.default, ...listed.filter((r) => r !== discovery.value.default)];
        roots = ordered.map((r) => resolve(base, r));
        if (roots.length === 0) return err(taxiiError('taxii-not-a-root', `${base} lists no API roots`, { url: base }));
      }
      for (const rootUrl of roots) {
        const collectionUrl = resolve(rootUrl, `collections/${encodeURIComponent(collectionId)}/`);
        const collection = await get(collectionUrl, parseCollection);
        if (!collection.ok) {
          if (collection.error.code === 'taxii-not-found' || collection.error.code === 'taxii-forbidden') continue;
          return collection;
        }
        const apiRoot = asRoot.ok && rootUrl === base ? ok(asRoot.value) : await client.apiRoot(rootUrl);
        if (!apiRoot.ok) return apiRoot;
        return ok({ apiRootUrl: rootUrl, apiRoot: apiRoot.value, collectionUrl, collection: collection.value });
      }
      return err(taxiiError('taxii-collection-missing', `no API root of ${base} has a collection "${collectionId}" these credentials may see; list them with the server's collections endpoint`, { url: base }));
    },
    async objects(collectionUrl, query) {
      const response = await transport.request(`${resolve(collectionUrl, 'objects/')}${queryString(query)}`);
      if (!response.ok) return response;
      const envelope = parsed(response.value, parseEnvelope, {});
      if (!envelope.ok) return envelope;
      const count = envelope.value.objects?.length ?? 0;
      return ok({ ...page(response.value, envelope.value), texts: count === 0 ? [] : await objectTexts(response.value.text, count) });
    },
    async manifest(collectionUrl, query) {
      const response = await transport.request(`${resolve(collectionUrl, 'manifest/')}${queryString(query)}`);
      if (!response.ok) return response;
      const manifest = parsed(response.value, parseManifest, {});
      return manifest.ok ? ok(page(response.value, manifest.value)) : manifest;
    },
    async addObjects(collectionUrl, envelopeJson) {
      const response = await transport.request(resolve(collectionUrl, 'objects/'), { method: 'POST', body: envelopeJson });
      return response.ok ? parsed(response.value, parseStatus, undefined) : response;
    },
    status: (apiRootUrl, statusId) => get(resolve(withSlash(apiRootUrl), `status/${encodeURIComponent(statusId)}/`), parseStatus),
    async waitForStatus(apiRootUrl, first, wait) {
      const sleep = wait.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
      let current = first;
      let waited = 0;
      while (current.status === 'pending') {
        if (waited >= wait.timeoutMs) {
          return err(taxiiError('taxii-status-timeout', `status ${current.id} is still pending after ${Math.round(waited / 1000)} s (${current.pending_count} of ${current.total_count} objects pending); check it later at ${apiRootUrl}status/${current.id}/`));
        }
        await sleep(wait.intervalMs);
        waited += wait.intervalMs;
        const next = await client.status(apiRootUrl, current.id);
        if (!next.ok) return next;
        current = next.value;
      }
      return ok(current);
    },
  };
  return client;
}
