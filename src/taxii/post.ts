import { randomUUID } from 'node:crypto';
import type { AuditPort } from '../audit/audit-log.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { Tlp } from '../domain/tlp.ts';
import type { ImportMetrics } from '../ingest/import-metrics.ts';
import type { Principal } from '../domain/principal.ts';
import type { SharingPort } from '../sharing/port.ts';
import { describeJsonError } from '../stix/json-syntax.ts';
import { isoFromMicros } from '../stix/timestamp.ts';
import { prepareItem } from '../ingest/prepare.ts';
import { ownershipRefusals, readerOfWriter } from '../ingest/ownership.ts';
import type { TaxiiStore } from '../store/taxii.ts';
import type { IncomingObject, PutOutcome, StixStore } from '../store/types.ts';
import { readBundle } from '../stix/bundle-reader.ts';
import { defaultTlpFor, type TaxiiCollection } from './collections.ts';
import { taxiiError, type TaxiiError } from './errors.ts';

export interface PostDeps {
  readonly stix: StixStore;
  readonly taxii: TaxiiStore;
  readonly sharing: SharingPort;
  readonly importMetrics: ImportMetrics;
  readonly hubOwner: OrgId;
  /** Each post that stored something is recorded, as REST imports are. */
  readonly audit?: AuditPort;
}

/** status-details (§4.3.1). */
export interface StatusDetail {
  readonly id: string;
  readonly version: string;
  readonly message?: string;
}

/** The status resource (§4.3.1); lists are left out when empty (§2: a list must not be empty). */
export interface StatusResource {
  readonly id: string;
  readonly status: 'complete' | 'pending';
  readonly request_timestamp: string;
  readonly total_count: number;
  readonly success_count: number;
  readonly successes?: readonly StatusDetail[];
  readonly failure_count: number;
  readonly failures?: readonly StatusDetail[];
  readonly pending_count: number;
}

const BATCH = 1000;
/** Statuses stay queryable a week (TAXII asks for at least 24 h). */
export const STATUS_RETENTION_US = 7 * 24 * 3600 * 1_000_000;

const unprocessable = (code: string, message: string): TaxiiError => taxiiError(422, code, message);

/** The envelope's objects, parsed once to check its shape; the exact bytes of each object are read again by the bundle reader. */
function checkEnvelope(text: string): Result<readonly unknown[], TaxiiError> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return err(unprocessable('malformed-envelope', `The body is not JSON: ${describeJsonError(text)}`));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return err(unprocessable('malformed-envelope', 'The body must be a TAXII envelope: a JSON object {"objects": [...]}'));
  if ('type' in parsed && parsed.type === 'bundle') return err(unprocessable('bundle-not-envelope', 'TAXII 2.1 takes STIX objects inside an envelope {"objects": [...]}, not a STIX bundle; send the bundle\'s objects array in an envelope'));
  if (!('objects' in parsed) || !Array.isArray(parsed.objects) || parsed.objects.length === 0) {
    return err(unprocessable('malformed-envelope', 'The envelope must have a non-empty "objects" array of STIX 2.1 objects'));
  }
  return ok(parsed.objects as unknown[]);
}

function describe(raw: unknown, fallback: string): { id: string; version: string } {
  const field = (name: string): string | undefined => {
    if (typeof raw !== 'object' || raw === null || !(name in raw)) return undefined;
    const value: unknown = (raw as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : undefined;
  };
  return { id: field('id') ?? fallback, version: field('modified') ?? field('created') ?? '' };
}

/** Only the poster's organization may be an object's creator (DESIGN.md). */
function createdByPoster(owner: OrgId, objects: readonly IncomingObject[], failures: StatusDetail[]): IncomingObject[] {
  return objects.filter((o) => {
    if (o.sharing.owner === owner) return true;
    failures.push({ id: o.id, version: o.modified ?? o.created ?? '', message: `created_by_ref is ${o.sharing.owner}, but you post for ${owner}; post only objects your organization created, or leave created_by_ref out` });
    return false;
  });
}

function indexOfPath(path: string): number {
  const match = /^\$\.objects\[(\d+)\]/.exec(path);
  return match?.[1] === undefined ? -1 : Number(match[1]);
}

/**
 * Adds an envelope's objects to a collection (§5.5): each object takes the collection's audience
 * and its own TLP marking (else the collection's widest TLP), the sharing service must agree, and only
 * the poster's organization may be its creator and owner. Every object ends in successes or failures.
 */
export async function postEnvelope(deps: PostDeps, principal: Principal, collection: TaxiiCollection, body: Buffer, nowUs: number): Promise<Result<StatusResource, TaxiiError>> {
  const text = body.toString('utf8');
  const envelope = checkEnvelope(text);
  if (!envelope.ok) return envelope;
  const objects = envelope.value;
  const successes: StatusDetail[] = [];
  const failures: StatusDetail[] = [];
  const fail = (index: number, message: string, id?: string) => {
    const d = describe(objects[index], id ?? `objects[${index}]`);
    failures.push({ id: id ?? d.id, version: d.version, message });
  };
  const defaults = { hubOwner: deps.hubOwner, owner: principal.orgId, tlp: defaultTlpFor(collection.key), audience: [collection.key] };
  const decided = new Map<Tlp, string | null>();
  const accepted: IncomingObject[] = [];
  for await (const items of readBundle([body])) {
    for (const item of items) {
      if (item.kind === 'fatal') return err(unprocessable(item.code, `${item.message}; nothing was stored`));
      const index = indexOfPath(item.path);
      const prepared = prepareItem(item, defaults, undefined);
      if (!prepared.ok) {
        const first = prepared.error[0];
        fail(index, prepared.error.map((d) => `${d.path ?? ''} ${d.message}`.trim()).join('; '), first?.id);
        continue;
      }
      const sharing = prepared.value.sharing;
      if (!decided.has(sharing.tlp)) {
        const verdict = await deps.sharing.decide(principal.orgId, sharing.tlp, sharing.audience);
        decided.set(sharing.tlp, verdict.ok ? null : verdict.error.message);
      }
      const refusal = decided.get(sharing.tlp);
      if (refusal !== undefined && refusal !== null) fail(index, refusal, prepared.value.id);
      else accepted.push(prepared.value);
    }
  }
  const tally = { added: 0, newVersions: 0, unchanged: 0 };
  const restored: StixId[] = [];
  const owned = createdByPoster(principal.orgId, accepted, failures);
  const poster = readerOfWriter(principal);
  await deps.stix.write(async (writer) => {
    for (let i = 0; i < owned.length; i += BATCH) {
      const batch = owned.slice(i, i + BATCH);
      // Another organization's object the poster may see is refused; an id it cannot see is written as its own record, like a free id.
      const refused = await ownershipRefusals(writer, poster, batch);
      const allowed = batch.filter((_, j) => refused[j] === null);
      const written = allowed.length === 0 ? [] : await writer.putBatch(allowed, 'reject');
      let next = 0;
      const outcomes = refused.map((r) => r ?? written[next++]);
      batch.forEach((object, j) => {
        const outcome: PutOutcome = outcomes[j] ?? { kind: 'rejected', code: 'not-stored', message: 'the store returned no outcome for this object' };
        const version = object.modified ?? object.created ?? isoFromMicros(nowUs);
        switch (outcome.kind) {
          case 'added':
          case 'new-version':
            if (outcome.kind === 'added') tally.added++;
            else tally.newVersions++;
            restored.push(object.id);
            successes.push({ id: object.id, version });
            return;
          case 'unchanged':
            // §5.5: an exact duplicate of a stored object is not an error.
            tally.unchanged++;
            successes.push({ id: object.id, version, message: 'already stored (unchanged)' });
            return;
          case 'rejected':
            failures.push({ id: object.id, version, message: outcome.message });
            return;
        }
      });
    }
    return ok(undefined);
  });
  if (restored.length > 0) await deps.taxii.restore(restored, principal.orgId);
  deps.importMetrics.record('taxii', { ...tally, rejected: failures.length });
  if (tally.added + tally.newVersions > 0) {
    await deps.audit?.record({
      actorOrg: principal.orgId,
      actorUser: principal.userId,
      action: 'import',
      subjectOrg: principal.orgId,
      details: { via: 'TAXII POST objects', collection: collection.id, objects: objects.length, added: tally.added, new_versions: tally.newVersions, unchanged: tally.unchanged, rejected: failures.length },
    });
  }
  const status: StatusResource = {
    id: randomUUID(),
    status: 'complete',
    request_timestamp: isoFromMicros(nowUs),
    total_count: objects.length,
    success_count: successes.length,
    ...(successes.length === 0 ? {} : { successes }),
    failure_count: failures.length,
    ...(failures.length === 0 ? {} : { failures }),
    pending_count: 0,
  };
  await deps.taxii.putStatus(status.id, principal.orgId, nowUs, JSON.stringify(status));
  await deps.taxii.purgeStatuses(nowUs - STATUS_RETENTION_US);
  return ok(status);
}
