import type { AudienceKey } from '../domain/audience.ts';
import { parseStixId, type StixId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { keptAudience } from '../domain/sharing-rule.ts';
import { TLP_MARKING_IDS, tlpLabel, tlpOfMarkings, type Tlp } from '../domain/tlp.ts';
import type { IncomingObject, Page, Reader, Sharing, StixStore, StoredVersion } from '../store/types.ts';
import { DEFAULT_LIMITS } from '../stix/bundle-splitter.ts';
import { validateStixObject, type ValidatedObject } from '../stix/validate.ts';
import { defaultPatternChecker } from '../ingest/pattern-checker.ts';
import { incomingOf } from '../ingest/prepare.ts';
import { VOTER_DATA_CODE } from '../domain/privacy/index.ts';
import type { Clock } from '../domain/clock.ts';
import type { TransparencyEvent } from '../domain/transparency.ts';
import type { Principal } from '../domain/principal.ts';
import type { SharingPort } from '../sharing/port.ts';
import { ownershipRefusal, readerOfWriter } from '../ingest/ownership.ts';
import type { ListObjectsQuery } from './schemas.ts';
import { microsFromIso } from '../stix/timestamp.ts';
import { nextModified } from './next-modified.ts';
import type { AuditDrafting } from '../audit/audit-log.ts';
import { writeAudit } from '../audit/object-events.ts';

export interface ObjectsDeps {
  readonly stix: StixStore;
  readonly sharing: SharingPort;
  readonly clock: Clock;
}

/** A write request once the route has unwrapped its body. */
export interface PublishRequest {
  readonly object: Readonly<Record<string, unknown>>;
  readonly tlp?: Tlp;
  readonly audience?: readonly AudienceKey[];
  /** Where the object sits in the request body, for error paths: `$` or `$.object`. */
  readonly path: string;
  /** The public transparency log entry in the feature's words, when the version is public (src/store/types.ts IncomingObject); otherwise the store's notice. */
  readonly transparency?: TransparencyEvent;
  /** The object's id was made here for this write (a random UUID): no record of it can exist, so none is looked for. */
  readonly minted?: boolean;
  /** The audit log: the write's entry (a share or a version) is appended with it and commits with it (auditWrite's entry otherwise). */
  readonly audit?: AuditDrafting;
}

export type WriteOutcome = 'added' | 'new-version' | 'unchanged';

export interface Written {
  readonly outcome: WriteOutcome;
  readonly json: string;
  readonly sharing: Sharing;
}

/**
 * Totals are counted this far; past it a list says "more than 1,000". Counting every match of a common
 * word among a million objects, each through the sharing rule, took seconds (docs/benchmarks.md, Search).
 */
export const TOTAL_COUNTED = 1000;

/** A page of the objects the reader may see that match the query, and how many match over all pages (up to TOTAL_COUNTED; totalCapped when more do). */
export async function listObjects(
  stix: StixStore,
  reader: Reader,
  query: ListObjectsQuery,
): Promise<Result<Page<StoredVersion> & { readonly total: number; readonly totalCapped: boolean }, Problem>> {
  const types = query.type?.split(',');
  const excludeTypes = query.exclude_type?.split(',');
  const addedAfterUs = query.added_after === undefined ? undefined : microsFromIso(query.added_after);
  if (addedAfterUs === null) return err(problem('invalid', 'invalid-request', `added_after "${query.added_after ?? ''}" is not a real date and time`));
  const split = (value: string) => value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  const filters = {
    ...(types === undefined ? {} : { types }),
    ...(excludeTypes === undefined ? {} : { excludeTypes }),
    ...(query.q === undefined ? {} : { text: query.q }),
    ...(query.tlp === undefined ? {} : { tlps: split(query.tlp) }),
    ...(query.owner === undefined ? {} : { owners: split(query.owner) }),
    ...(query.label === undefined ? {} : { labels: split(query.label) }),
    ...(query.severity === undefined ? {} : { severities: split(query.severity) }),
    ...(query.state === undefined ? {} : { states: split(query.state) }),
    // Reference material is not news: working lists leave it out unless asked for.
    ...(query.reference === 'include' ? {} : { reference: query.reference === 'only' ? ('only' as const) : ('exclude' as const) }),
    ...(query.modified_from === undefined ? {} : { modifiedFrom: query.modified_from }),
    ...(query.modified_to === undefined ? {} : { modifiedTo: query.modified_to }),
    ...(addedAfterUs === undefined ? {} : { addedAfterUs }),
  };
  const page = await stix.listCounted(reader, {
    ...filters,
    limit: query.limit,
    ...(types === undefined ? {} : { types }),
    ...(excludeTypes === undefined ? {} : { excludeTypes }),
    ...(query.q === undefined ? {} : { text: query.q }),
    ...(query.modified_from === undefined ? {} : { modifiedFrom: query.modified_from }),
    ...(query.modified_to === undefined ? {} : { modifiedTo: query.modified_to }),
    ...(addedAfterUs === undefined ? {} : { addedAfterUs }),
    ...(query.order === undefined ? {} : { order: query.order }),
    ...(query.sort === undefined ? {} : { sort: query.sort }),
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
  }, TOTAL_COUNTED);
  if (!page.ok) return page;
  const { counted, ...rest } = page.value;
  return ok({ ...rest, total: Math.min(counted, TOTAL_COUNTED), totalCapped: counted > TOTAL_COUNTED });
}

/** One relationship of an object, with the object at its other end when the reader may see that too. */
export interface RelatedEntry {
  readonly relationship: StoredVersion;
  readonly direction: 'out' | 'in';
  readonly other: StoredVersion | null;
}

/**
 * The relationships the reader may see that start or end at `id`, oldest first, each with the latest
 * version of its other end when that is shared with the reader too (null otherwise: the relationship
 * names its id, but nothing more is shown). not-found when the reader may see no version of `id`.
 */
export async function relatedObjects(stix: StixStore, reader: Reader, id: StixId, query: { readonly limit: number; readonly cursor?: string }): Promise<Result<Page<RelatedEntry>, Problem>> {
  const self = await stix.list(reader, { ids: [id], limit: 1 });
  if (!self.ok) return self;
  if (self.value.items.length === 0) return err(notFound(id));
  const page = await stix.list(reader, { refersTo: id, types: ['relationship'], limit: query.limit, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) });
  if (!page.ok) return page;
  const ends = page.value.items.map((r) => {
    const o = JSON.parse(r.json) as Record<string, unknown>;
    const out = o['source_ref'] === id;
    return { relationship: r, direction: out ? ('out' as const) : ('in' as const), otherId: String(out ? o['target_ref'] : o['source_ref']) };
  });
  const otherIds = [...new Set(ends.flatMap((e) => {
    const other = parseStixId(e.otherId);
    return other.ok ? [other.value] : [];
  }))];
  // An id may have a record per owner: read every record of the other ends the reader may see; the last added of each shows.
  const byId = new Map<string, StoredVersion>();
  for (let cursor: string | null = null, first = true; otherIds.length > 0 && (first || cursor !== null); first = false) {
    const others: Result<Page<StoredVersion>, Problem> = await stix.list(reader, { ids: otherIds, limit: otherIds.length, ...(cursor === null ? {} : { cursor }) });
    if (!others.ok) return others;
    for (const v of others.value.items) byId.set(v.id, v);
    cursor = others.value.nextCursor;
  }
  return ok({ items: ends.map((e) => ({ relationship: e.relationship, direction: e.direction, other: byId.get(e.otherId) ?? null })), nextCursor: page.value.nextCursor });
}

/**
 * The latest version and the versions of one record of `id` the reader may see: its own when it holds
 * one, else the one that changed last (an observable, for one, may be recorded by several organizations;
 * the list and TAXII show each record). not-found also when it may see none.
 */
export async function objectDetail(stix: StixStore, reader: Reader, id: StixId): Promise<Result<{ latest: StoredVersion; versions: readonly StoredVersion[] }, Problem>> {
  const all = await stix.versions(reader, id);
  const latests = all.filter((v) => v.isLatest);
  const own = reader.kind === 'member' ? latests.find((v) => v.sharing.owner === reader.orgId) : undefined;
  const latest = own ?? latests.reduce<StoredVersion | undefined>((a, v) => (a === undefined || v.addedUs > a.addedUs ? v : a), undefined);
  if (latest === undefined) return err(notFound(id));
  return ok({ latest, versions: all.filter((v) => v.sharing.owner === latest.sharing.owner) });
}

function notFound(id: string): Problem {
  return problem('not-found', 'not-found', `No object ${id} that you may see; check the id, or ask its owner to share it with you`);
}

/** Only for an object the caller may see: it already knows the owner. */
function notOwner(id: string, owner: string): Problem {
  return problem('forbidden', 'not-owner', `${id} is an object of ${owner}, shared with you; only its owner may revoke it`);
}

function validate(object: unknown, path: string): Result<ValidatedObject, Problem> {
  const checked = validateStixObject(object, path, defaultPatternChecker === undefined ? {} : { checkPattern: defaultPatternChecker });
  if (checked.ok) return checked;
  const first = checked.error[0];
  if (first?.code === VOTER_DATA_CODE) return err(problem('invalid', VOTER_DATA_CODE, `Not stored: ${first.message}`, checked.error));
  return err(problem('invalid', 'invalid-stix-object', `The STIX object is not valid: ${first === undefined ? 'see errors' : `${first.path ?? path}: ${first.message}`}`, checked.error));
}

/**
 * Creates an object or publishes a new version of one, owned by the caller's organization.
 * The owner's identity and TLP marking are written into the object when it leaves them out,
 * so STIX and TAXII readers see the same owner and TLP as the hub.
 */
export async function publishObject(deps: ObjectsDeps, principal: Principal, request: PublishRequest): Promise<Result<Written, Problem>> {
  // Before any other work: an object past the limit is refused whatever else is wrong with it.
  const large = tooLarge(Buffer.byteLength(JSON.stringify(request.object), 'utf8'), request.path);
  if (large !== null) return err(large);
  const first = validate(request.object, request.path);
  if (!first.ok) return first;
  const v = first.value;
  const object: Record<string, unknown> = { ...request.object };
  const hasCommonProps = v.kind === 'sdo' || v.kind === 'sro' || v.kind === 'meta';

  if (v.createdByRef !== null && (v.createdByRef as string) !== principal.orgId) {
    return err(
      problem('invalid', 'created-by-mismatch', `created_by_ref is ${v.createdByRef}, but you publish for ${principal.orgId}; set created_by_ref to your organization or leave it out`, [
        { id: v.id, path: `${request.path}.created_by_ref`, code: 'created-by-mismatch', message: `must be ${principal.orgId}` },
      ]),
    );
  }
  if (hasCommonProps && v.createdByRef === null) object['created_by_ref'] = principal.orgId;

  // The caller's own record of the id if it holds one (get prefers it), else a record of another owner it may see:
  // an id it cannot see reads exactly like a free one, and its write becomes its own record (src/ingest/ownership.ts).
  const seen = request.minted === true ? null : await deps.stix.get(readerOfWriter(principal), v.id);
  const refusal = seen === null ? null : ownershipRefusal(v, principal.orgId, [seen.sharing.owner]);
  if (refusal !== null) return err(problem('forbidden', refusal.code, refusal.message));
  const existing = seen !== null && seen.sharing.owner === principal.orgId ? seen : null;

  const marked = tlpOfMarkings(v.objectMarkingRefs);
  if (request.tlp !== undefined && marked !== undefined && request.tlp !== marked) {
    return err(
      problem('invalid', 'tlp-marking-mismatch', `The object is marked ${tlpLabel(marked)} but the request asks for ${tlpLabel(request.tlp)}; make them agree or leave one out`, [
        { id: v.id, path: `${request.path}.object_marking_refs`, code: 'tlp-marking-mismatch', message: `marked ${tlpLabel(marked)}` },
      ]),
    );
  }
  const sharing = await decideSharing(deps.sharing, principal, existing, request.tlp ?? marked, request.audience);
  if (!sharing.ok) return sharing;
  if (marked === undefined) object['object_marking_refs'] = [...v.objectMarkingRefs, TLP_MARKING_IDS[sharing.value.tlp]];

  const final = validate(object, request.path);
  if (!final.ok) return final;
  const audit = request.audit === undefined ? undefined : writeAudit(request.audit, principal, v.id, sharing.value);
  return put(deps.stix, final.value, JSON.stringify(object), sharing.value, request.transparency, request.minted, audit);
}

/**
 * A version's sharing: as asked; for a new version without an audience, the previous version's audience,
 * refused when the TLP asked for does not allow it (never a silent re-share to a default); for a new
 * object without one, the owner's defaults for the TLP (AMBER when none is given).
 */
function decideSharing(
  port: SharingPort,
  principal: Principal,
  existing: StoredVersion | null,
  tlp: Tlp | undefined,
  audience: readonly AudienceKey[] | undefined,
): Promise<Result<Sharing, Problem>> {
  if (existing === null || audience !== undefined) return port.decide(principal.orgId, tlp ?? existing?.sharing.tlp ?? 'amber', audience);
  if (tlp === undefined || tlp === existing.sharing.tlp) return Promise.resolve(ok(existing.sharing));
  const kept = keptAudience(tlp, existing.sharing.audience);
  if (!kept.ok) return Promise.resolve(err(problem('invalid', kept.error.code, kept.error.message)));
  if (kept.value.length === 0) return Promise.resolve(ok({ ...existing.sharing, tlp }));
  return port.decide(principal.orgId, tlp, kept.value);
}

/** One limit per object on every path: import, TAXII and federation refuse larger objects with the same code. */
function tooLarge(bytes: number, path: string): Problem | null {
  const max = DEFAULT_LIMITS.maxObjectBytes;
  if (bytes <= max) return null;
  const message = `the object is ${bytes} bytes, larger than the ${max}-byte limit per object (the limit import and TAXII apply too); make it smaller or split it`;
  return problem('too-large', 'object-too-large', message, [{ path, code: 'object-too-large', message }]);
}

async function put(stix: StixStore, v: ValidatedObject, json: string, sharing: Sharing, transparency?: TransparencyEvent, minted?: boolean, audit?: IncomingObject['audit']): Promise<Result<Written, Problem>> {
  const large = tooLarge(Buffer.byteLength(json, 'utf8'), '$');
  if (large !== null) return err(large);
  const incoming: IncomingObject = { ...incomingOf(v, json, sharing), ...(transparency === undefined ? {} : { transparency }), ...(minted === true ? { minted } : {}), ...(audit === undefined ? {} : { audit }) };
  return stix.write(async (writer): Promise<Result<Written, Problem>> => {
    const [outcome] = await writer.putBatch([incoming], 'reject');
    if (outcome === undefined) throw new Error('putBatch returned no outcome for one object');
    if (outcome.kind === 'rejected') return err(problem('conflict', outcome.code, outcome.message));
    return ok({ outcome: outcome.kind, json, sharing });
  });
}

/** Publishes a new version of the caller's own object with `revoked: true`. */
export async function revokeObject(deps: ObjectsDeps, principal: Principal, reader: Reader, id: StixId): Promise<Result<Written, Problem>> {
  // The caller's own record when it holds one; another owner's only when it may see it (then it may be told whose it is).
  const latest = await deps.stix.get(reader, id);
  if (latest === null) return err(notFound(id));
  if (latest.sharing.owner !== principal.orgId) return err(notOwner(id, latest.sharing.owner));
  if (latest.revoked) return err(problem('conflict', 'already-revoked', `${id} is already revoked; a revoked object cannot change again`));
  if (latest.modified === null) return err(problem('invalid', 'not-revocable', `${id} is a ${latest.type}, which has no versions and cannot be revoked`));
  const object = { ...(JSON.parse(latest.json) as Record<string, unknown>), revoked: true, modified: nextModified(latest.modified, deps.clock.now()) };
  const checked = validate(object, '$');
  if (!checked.ok) return checked;
  // The store logs the revocation of a public version (src/store/stix-write.ts logPublic).
  return put(deps.stix, checked.value, JSON.stringify(object), latest.sharing);
}
