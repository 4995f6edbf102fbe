import type { AuditPort } from '../audit/audit-log.ts';
import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { OrgId } from '../domain/ids.ts';
import { stateByFips } from '../domain/organization-data.ts';
import type { AppPlugin, RequestKit, RampartApp } from '../http/deps.ts';
import { sendTaxiiError } from '../http/taxii-error.ts';
import type { Clock } from '../domain/clock.ts';
import type { Principal } from '../domain/principal.ts';
import type { SharingPort } from '../sharing/port.ts';
import type { TaxiiStore } from '../store/taxii.ts';
import type { StixStore } from '../store/types.ts';
import { adminRoutes } from './admin-routes.ts';
import { collectionsFor, findCollection, type KeyTitles, type TaxiiCollection } from './collections.ts';
import { notFound, taxiiError, type TaxiiError } from './errors.ts';
import { acceptsTaxii, TAXII_CONTENT_TYPE } from './media.ts';
import { nextSigner } from './next-token.ts';
import { taxiiRoutes } from './routes.ts';

export interface TaxiiOptions {
  readonly stix: StixStore;
  /** The TAXII tables: `taxiiStore(rampartStore.database.db)`. */
  readonly taxii: TaxiiStore;
  readonly sharing: SharingPort;
  /** The hub's own identity (owner of last resort in the import pipeline). */
  readonly hubOwner: OrgId;
  readonly clock?: Clock;
  /** Key for `next` tokens (RAMPART_TAXII_SECRET); random per start when unset, so tokens die with the process. */
  readonly secret?: string | Uint8Array;
  /** The one API root's path segment: /taxii2/<apiRoot>/ (default "rampart"). */
  readonly apiRoot?: string;
  readonly title?: string;
  readonly description?: string;
  readonly contact?: string;
  /** Largest POST body in bytes (the API root's max_content_length; default 10 MiB). */
  readonly maxContentLength?: number;
  /** Largest page; larger limits are clamped (default 1000). */
  readonly maxPageSize?: number;
  /** Readable names for group and organization keys in collection titles (states are named already). */
  readonly titles?: KeyTitles;
  /** The audit log: reads of TLP:AMBER and above served over TAXII are recorded; none by default. */
  readonly audit?: AuditPort;
  /** Whether a principal is an org-admin of its organization (may define filter collections); default nobody. */
  readonly isOrgAdmin?: (principal: Principal) => Promise<boolean>;
}

/** What every TAXII handler gets: the resolved options and per-request helpers. */
/** The app the TAXII routes are mounted on (admin.ts takes it from here: only routes and plugins import src/http). */
export type TaxiiApp = RampartApp;

export interface TaxiiContext {
  readonly options: TaxiiOptions;
  readonly apiRoot: string;
  readonly maxContentLength: number;
  readonly maxPageSize: number;
  readonly kit: RequestKit;
  readonly signer: ReturnType<typeof nextSigner>;
  readonly nowMs: () => number;
  /** The principal the plugin's onRequest hook authenticated. */
  principal(request: FastifyRequest): Principal;
  collections(principal: Principal): Promise<readonly TaxiiCollection[]>;
  /**
   * The readable collection named in the URL, or the 404 that does not say whether it exists. Its title is read
   * (organization and state names) only when `titled`: the collection resource shows it, reading objects does not.
   */
  collection(principal: Principal, idOrAlias: string, titled?: boolean): Promise<TaxiiCollection | TaxiiError>;
}

export const DEFAULT_MAX_CONTENT_LENGTH = 10 * 1024 * 1024;
export const DEFAULT_MAX_PAGE_SIZE = 1000;

/** Fastify's own errors inside /taxii2, as TAXII errors. */
function taxiiErrorOf(error: FastifyError, maxContentLength: number): TaxiiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return taxiiError(413, 'too-large', `The body is larger than max_content_length (${maxContentLength} bytes); split the envelope`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return taxiiError(415, 'unsupported-media-type', `Content-Type must be ${TAXII_CONTENT_TYPE}`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return taxiiError(422, 'malformed-envelope', 'The body is empty or shorter than its Content-Length; send a TAXII envelope');
    default:
      // Over the hub's request limit (Retry-After is set): TAXII 2.1 answers that with 429 too.
      if (error.statusCode === 429) return taxiiError(429, 'too-many-requests', error.message);
      return error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? taxiiError(400, 'bad-request', error.message) : null;
  }
}

/**
 * The TAXII 2.1 server as an app plugin mounted at /taxii2: discovery at /taxii2/, one API root at
 * /taxii2/<apiRoot>/, collections as views of the sharing rule. Every response, errors included,
 * is application/taxii+json;version=2.1; errors use the TAXII error resource, never problem+json.
 */
export function taxiiPlugin(options: TaxiiOptions): AppPlugin {
  const secret = options.secret ?? randomBytes(32);
  const signer = nextSigner(typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret);
  const apiRoot = options.apiRoot ?? 'rampart';
  if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(apiRoot)) throw new Error(`apiRoot "${apiRoot}" must be one lower-case path segment`);
  const maxContentLength = options.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  const maxPageSize = options.maxPageSize ?? DEFAULT_MAX_PAGE_SIZE;
  const titles: KeyTitles = async (key) => (await options.titles?.(key)) ?? (key.startsWith('state:') ? (stateByFips(key.slice(6))?.name ?? null) : null);
  const untitled: KeyTitles = () => Promise.resolve(null);
  const clock = options.clock ?? { now: () => new Date() };
  return (kit) => {
    const principals = new WeakMap<FastifyRequest, Principal>();
    const collections = async (principal: Principal) => collectionsFor(principal, await options.taxii.collections(principal.orgId), titles);
    const ctx: TaxiiContext = {
      options,
      apiRoot,
      maxContentLength,
      maxPageSize,
      kit,
      signer,
      nowMs: () => clock.now().getTime(),
      principal(request) {
        const p = principals.get(request);
        if (p === undefined) throw new Error('TAXII route reached without the authentication hook');
        return p;
      },
      collections,
      async collection(principal, idOrAlias, titled = false) {
        const named = titled ? titles : untitled;
        // A view named by its id or alias is found first whatever filter collections exist, so they are read only when none is.
        const views = await collectionsFor(principal, [], named);
        const view = views.find((c) => c.id === idOrAlias) ?? (isUuid(idOrAlias) ? undefined : views.find((c) => c.alias === idOrAlias));
        if (view !== undefined) return view;
        return findCollection(await collectionsFor(principal, await options.taxii.collections(principal.orgId), named), idOrAlias) ?? notFound(`Collection ${idOrAlias}`);
      },
    };
    const plugin = (app: RampartApp): Promise<void> => {
      // Bodies are kept as bytes: the import pipeline keeps each object's exact text.
      app.removeAllContentTypeParsers();
      app.addContentTypeParser('application/taxii+json', { parseAs: 'buffer', bodyLimit: maxContentLength }, (_request, body, done) => done(null, body));
      app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
        const known = taxiiErrorOf(error, maxContentLength);
        if (known !== null) return sendTaxiiError(reply, known);
        // With its stack and the request it broke; the logger redacts the credentials in the headers.
        request.log.error({ err: error, request: { method: request.method, path: request.url.split('?')[0], headers: request.headers } }, 'unexpected TAXII error');
        return sendTaxiiError(reply, taxiiError(500, 'internal-error', `Something went wrong on the server; it has been logged (request ${request.id}). Try again, and report it with that request id if it keeps happening.`));
      });
      app.setNotFoundHandler((request, reply) => sendTaxiiError(reply, unknownPath(request.url)));
      app.addHook('onRequest', async (request, reply) => {
        const principal = kit.principalOf(request);
        if (principal === null) {
          return sendTaxiiError(reply, taxiiError(401, 'unauthenticated', 'Send HTTP Basic credentials (user: API key id or email, password: API key) or "Authorization: Bearer <API key>"'));
        }
        if (!acceptsTaxii(request.headers.accept)) {
          return sendTaxiiError(reply, taxiiError(406, 'not-acceptable', `Send "Accept: ${TAXII_CONTENT_TYPE}" (the Accept header "${request.headers.accept ?? ''}" does not allow TAXII 2.1)`));
        }
        principals.set(request, principal);
        return undefined;
      });
      app.addHook('onSend', async (_request, reply, payload) => {
        void reply.header('content-type', TAXII_CONTENT_TYPE);
        return payload;
      });
      taxiiRoutes(app, ctx);
      adminRoutes(app, ctx);
      // Any other path below /taxii2 (a missing trailing slash included) gets a TAXII 404, even beside the web UI's catch-all.
      app.all('/*', (request, reply) => sendTaxiiError(reply, unknownPath(request.url)));
      return Promise.resolve();
    };
    return { plugin, prefix: '/taxii2', sendUrlProblem: (reply, p) => sendTaxiiError(reply, taxiiError(400, p.code, p.message)) };
  };
}

/** A filter collection's id is a UUID: a name that is not one can only be an alias. */
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

function unknownPath(url: string): TaxiiError {
  const path = url.split('?')[0] ?? '/';
  const hint = path.endsWith('/') ? 'see /taxii2/ for the API root' : `TAXII paths end in "/": try ${path}/`;
  return taxiiError(404, 'not-found', `There is no TAXII resource at ${path}; ${hint}`);
}
