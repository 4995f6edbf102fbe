import { sendBytes } from '../http/send-bytes.ts';
import { PassThrough, Readable } from 'node:stream';
import type { AuditPort } from '../audit/audit-log.ts';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import { problem } from '../domain/problem.ts';
import type { OrgId } from '../domain/ids.ts';
import { TLP_LEVELS, type Tlp } from '../domain/tlp.ts';
import type { SharingPort } from '../sharing/port.ts';
import { importObjects } from './import.ts';
import type { StixStore } from '../store/types.ts';
import type { AppPlugin, RequestKit, RampartApp, RampartPlugin } from '../http/deps.ts';
import { readerOfWriter } from './ownership.ts';
import { ownerOnlyStore, UploadTooLargeError, withSpooledUpload } from '../http/import-guard.ts';
import { JSON_TYPES } from '../http/json-body.ts';
import { problemBody, sendProblem } from '../http/problem.ts';
import { problemResponses } from '../http/schemas.ts';
import { ImportQuery, ImportSummarySchema } from './schemas.ts';

export interface ImportRouteDeps {
  readonly stix: StixStore;
  /** Largest upload in bytes (DEFAULT_IMPORT_LIMIT when absent). */
  readonly importLimit?: number;
  /** Each import that stored something is recorded: who, how many objects, with what sharing. */
  readonly audit?: AuditPort;
  /** The uploader's organization's default audience per TLP: an upload is shared as the same items published one by one. */
  readonly sharing: SharingPort;
}

export const DEFAULT_IMPORT_LIMIT = 1024 * 1024 * 1024;

const UPLOAD_TYPES = [...JSON_TYPES, 'application/octet-stream'];

export const PROGRESS_TYPE = 'application/x-ndjson';

/** Whether the caller asked to follow the import as it is stored (Accept names application/x-ndjson). */
function wantsProgress(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    return range.trim() === PROGRESS_TYPE && !params.some((p) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(p));
  });
}

/** Progress lines: one each time another whole percent of the upload has been read into the store (or every 1 MiB when its size is unknown). */
function progressWriter(out: PassThrough, total: number | null): (bytes: number) => void {
  let last = -1;
  return (bytes) => {
    const step = total !== null && total > 0 ? Math.floor((bytes / total) * 100) : Math.floor(bytes / 1_048_576);
    if (step === last) return;
    last = step;
    out.write(`${JSON.stringify({ stage: 'storing', bytes, total })}\n`);
  };
}

/**
 * `POST /api/v1/import`: a bundle or TAXII envelope, written to a temporary file as it arrives (never
 * held whole in memory), then streamed from there into the import pipeline (see withSpooledUpload). A plugin of its own so its body parsers pass the stream through.
 */
export function importPlugin(deps: ImportRouteDeps): AppPlugin {
  return (kit) => ({ plugin: importRoutes(kit, deps, deps.importLimit ?? DEFAULT_IMPORT_LIMIT) });
}

/**
 * The organization's default audience for each TLP it has one for (RED has none: it names people, so a RED
 * item without an audience stays with its owner).
 */
async function ownerDefaults(sharing: SharingPort, owner: OrgId): Promise<ReadonlyMap<Tlp, readonly AudienceKey[]>> {
  const byTlp = new Map<Tlp, readonly AudienceKey[]>();
  for (const tlp of TLP_LEVELS) {
    const decided = await sharing.decide(owner, tlp, undefined);
    if (decided.ok) byTlp.set(tlp, decided.value.audience);
  }
  return byTlp;
}

function importRoutes(authn: RequestKit, deps: ImportRouteDeps, importLimit: number): RampartPlugin {
  const { stix, audit } = deps;
  return (app: RampartApp) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(UPLOAD_TYPES, (_request, payload, done) => done(null, payload));
    app.post(
      '/api/v1/import',
      {
        onRequest: authn.guard('write'),
        config: { produces: PROGRESS_TYPE },
        schema: {
          tags: ['objects'],
          summary: 'Upload a STIX bundle (or TAXII envelope); every object is stored, or none unless skip_invalid',
          description: `Body: the bundle as ${UPLOAD_TYPES.join(', ')}; streamed, up to ${importLimit} bytes. With Accept: ${PROGRESS_TYPE} the answer, once the upload has arrived, is JSON lines: {"stage":"storing","bytes":n,"total":n|null} as the objects are stored, then one {"result":<the summary>} or {"problem":<problem+json body>}.`,
          querystring: ImportQuery,
          response: { 200: ImportSummarySchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        const principal = authn.principalOf(request);
        if (principal === null) return sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Sign in first.'));
        // No Content-Type means no parser ran: there is no upload to read (the parsers above pass the request stream on).
        if (!(request.body instanceof Readable)) return sendProblem(reply, problem('unsupported-media', 'unsupported-media-type', `Send the bundle as the body with Content-Type ${UPLOAD_TYPES.join(', ')}`));
        const declared = Number(request.headers['content-length'] ?? NaN);
        if (declared > importLimit) throw new UploadTooLargeError(`the upload is larger than the ${importLimit}-byte limit`);
        const audience: AudienceKey[] = [];
        for (const raw of (request.query.audience ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
          const key = parseAudienceKey(raw);
          if (!key.ok) return sendProblem(reply, problem('invalid', key.error.code, `audience: ${key.error.message}`));
          audience.push(key.value);
        }
        const options = {
          hubOwner: principal.orgId,
          owner: principal.orgId,
          onConflict: request.query.on_conflict,
          skipInvalid: request.query.skip_invalid,
          ...(request.query.tlp === undefined ? {} : { tlp: request.query.tlp }),
          ...(audience.length === 0 ? { audienceByTlp: await ownerDefaults(deps.sharing, principal.orgId) } : { audience }),
        };
        const store = ownerOnlyStore(stix, readerOfWriter(principal));
        // Asked for progress: once the upload has arrived (the sender saw its own bytes go), the answer follows the storing.
        const progress: { stream: PassThrough | null } = { stream: null };
        const result = await withSpooledUpload(request.body, importLimit, async (upload) => {
          if (!wantsProgress(request.headers.accept)) return importObjects(store, upload, options);
          const stream = new PassThrough();
          progress.stream = stream;
          void sendBytes(reply.code(200).type(`${PROGRESS_TYPE}; charset=utf-8`).header('cache-control', 'no-store'), stream);
          try {
            return await importObjects(store, upload, { ...options, onBytes: progressWriter(stream, Number.isFinite(declared) ? declared : null) });
          } catch (error) {
            // A bug: the status was sent already, so the answer ends broken rather than pretending to finish.
            stream.destroy(error instanceof Error ? error : new Error(String(error)));
            throw error;
          }
        });
        if (progress.stream !== null && !result.ok) {
          progress.stream.end(`${JSON.stringify({ problem: problemBody(result.error) })}\n`);
          return reply;
        }
        if (!result.ok) return sendProblem(reply, result.error);
        authn.importMetrics.record('rest', result.value);
        const s = result.value;
        // Like a publication, an import that changed anything is in the owner's trail (one entry per upload, not per object).
        if (s.added + s.newVersions > 0) {
          await audit?.record({
            actorOrg: principal.orgId,
            actorUser: principal.userId,
            action: 'import',
            subjectOrg: principal.orgId,
            details: { via: 'POST /api/v1/import', objects: s.objects, added: s.added, new_versions: s.newVersions, unchanged: s.unchanged, rejected: s.rejected, tlp: request.query.tlp ?? null, audience },
          });
        }
        if (progress.stream !== null) {
          progress.stream.end(`${JSON.stringify({ result: { stored: true, ...result.value } })}\n`);
          return reply;
        }
        return reply.code(200).send({ stored: true, ...result.value });
      },
    );
    return Promise.resolve();
  };
}
