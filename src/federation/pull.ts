import { randomUUID } from 'node:crypto';
import type { AudienceKey } from '../domain/audience.ts';
import { parseOrgId, parseStixId, type OrgId, type StixId } from '../domain/ids.ts';
import type { ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { tlpOfMarkings, type Tlp } from '../domain/tlp.ts';
import { RAMPART_NAMESPACE, uuidV5 } from '../domain/uuid.ts';
import { importObjects } from '../ingest/import.ts';
import type { FederationRepository, ReceivedRecord } from '../store/federation.ts';
import type { Sharing, StixStore, StoredVersion } from '../store/types.ts';
import type { CollectionLocation, TaxiiClient } from '../taxii/client/client.ts';
import { compareTimestamps, pullPages, START, type PullPosition } from '../taxii/client/pull.ts';
import type { LooseStixObject } from '../taxii/client/resources.ts';
import { receivedSharing, withdrawnSharing } from './received-sharing.ts';

export interface FederationError {
  readonly code: string;
  readonly message: string;
}

/** A change of sharing made by federation, shaped like the sharing service's re-share event (live feeds, audit). */
export interface FederationReshareEvent {
  readonly id: StixId;
  readonly before: Sharing;
  readonly after: Sharing;
  /** The hub itself acts: its identity, no person. */
  readonly by: { readonly orgId: OrgId; readonly userId: null };
  readonly at: Date;
}

export interface PullDeps {
  readonly stix: StixStore;
  readonly repo: FederationRepository;
  readonly client: TaxiiClient;
  readonly now: () => Date;
  /** The hub's own identity (owner of last resort in the import pipeline). */
  readonly hubOwner: OrgId;
  /** Told after federation narrows or restores an object, so live feeds drop or add it at once. */
  readonly onReshare?: (event: FederationReshareEvent) => void | Promise<void>;
}

export interface PullPlan {
  /** Key of the saved position and of the receipts: feed:<id>, or pull:<url>#<collection> for the CLI. */
  readonly source: string;
  readonly location: CollectionLocation;
  /** The local organization the objects are received for: AMBER stays inside it. */
  readonly receiver: OrgId;
  /** At most this audience (a feed's configured audience). */
  readonly narrowTo?: readonly AudienceKey[];
  readonly types?: readonly string[];
  /** TLP of objects without a TLP marking (default amber: kept inside the receiving organization). */
  readonly defaultTlp?: Tlp;
  /** Start from this date_added instead of the saved position. */
  readonly since?: string;
  readonly limit?: number;
  /** Compare the remote manifest with what came from this source before, and narrow what vanished (default true). */
  readonly propagateNarrowing?: boolean;
  readonly onPage?: (summary: PullSummary) => void;
}

export interface PullSummary {
  readonly pages: number;
  readonly objects: number;
  readonly added: number;
  readonly newVersions: number;
  readonly unchanged: number;
  readonly rejected: number;
  /** Objects that originate on this hub and came back through the remote: not imported. */
  readonly loops: number;
  /** Received objects that vanished from the remote collection and were narrowed here. */
  readonly withdrawn: number;
  /** Withdrawn objects that came back and got their received audience again. */
  readonly restored: number;
  readonly rejections: readonly ProblemDetail[];
  readonly position: PullPosition;
}

type Tally = { -readonly [K in keyof PullSummary]: PullSummary[K] } & { rejections: ProblemDetail[] };

/** The owner of objects that name no creator: an identity derived from the remote, which no local organization is. */
export function remoteIdentity(url: string): OrgId {
  return `identity--${uuidV5(`taxii-remote:${new URL(url).origin}`, RAMPART_NAMESPACE)}` as OrgId;
}

function markingRefs(object: LooseStixObject): string[] {
  const refs = object['object_marking_refs'];
  return Array.isArray(refs) ? refs.filter((r): r is string => typeof r === 'string') : [];
}

function ownerOf(object: LooseStixObject, fallback: OrgId): OrgId {
  const creator = object['created_by_ref'];
  const parsed = typeof creator === 'string' ? parseOrgId(creator) : null;
  return parsed?.ok === true ? parsed.value : fallback;
}

/**
 * Pulls a remote collection into the store from the saved position (or `since`), page by page, saving the
 * position after each stored page so a crash resumes there. Each object keeps its owner and TLP and gets the
 * received audience (received-sharing.ts); objects of this hub coming back are skipped (loops); an object
 * stored before with the same id and modified is unchanged. Then, when asked, narrows what vanished remotely.
 */
export async function runPull(deps: PullDeps, plan: PullPlan): Promise<Result<PullSummary, FederationError>> {
  const at = () => deps.now().toISOString();
  const saved: PullPosition = plan.since === undefined ? ((await deps.repo.cursor(plan.source)) ?? START) : { addedAfter: plan.since, next: null, highWater: plan.since };
  const previous = new Map((await deps.repo.received(plan.source)).map((r) => [r.objectId, r]));
  const fallbackOwner = remoteIdentity(plan.location.collectionUrl);
  const tally: Tally = { pages: 0, objects: 0, added: 0, newVersions: 0, unchanged: 0, rejected: 0, loops: 0, withdrawn: 0, restored: 0, rejections: [], position: saved };
  const options = { position: saved, ...(plan.limit === undefined ? {} : { limit: plan.limit }), ...(plan.types === undefined ? {} : { types: plan.types }) };

  for await (const page of pullPages(deps.client, plan.location.collectionUrl, options)) {
    if (!page.ok) return err(page.error);
    const stored = await storePage(deps, plan, page.value.objects, page.value.texts, fallbackOwner, previous, tally);
    if (!stored.ok) return stored;
    await deps.repo.saveCursor(plan.source, page.value.position, at());
    tally.pages++;
    tally.position = page.value.position;
    plan.onPage?.({ ...tally });
  }
  if (plan.propagateNarrowing !== false) {
    const narrowed = await propagateNarrowing(deps, plan);
    if (!narrowed.ok) return narrowed;
    tally.withdrawn += narrowed.value.withdrawn;
    tally.restored += narrowed.value.restored;
  }
  return ok({ ...tally });
}

async function storePage(
  deps: PullDeps,
  plan: PullPlan,
  objects: readonly LooseStixObject[],
  texts: readonly string[] | null,
  fallbackOwner: OrgId,
  previous: Map<StixId, ReceivedRecord>,
  tally: Tally,
): Promise<Result<void, FederationError>> {
  tally.objects += objects.length;
  const ids = objects.flatMap((o) => {
    const id = parseStixId(o.id);
    return id.ok ? [id.value] : [];
  });
  // Stored here and never received: this hub's own objects (published or imported here).
  const here = new Map<string, StoredVersion>();
  if (ids.length > 0) {
    const existing = await deps.stix.list({ kind: 'operator' }, { ids, limit: ids.length });
    if (!existing.ok) return err(existing.error);
    const received = await deps.repo.receivedAnywhere(existing.value.items.map((v) => v.id));
    for (const v of existing.value.items) if (!received.has(v.id)) here.set(v.id, v);
  }
  /** Newer versions of this hub's own objects: stored, but they keep the sharing chosen here. */
  const keep = new Map<string, Sharing>();
  const groups = new Map<string, { sharing: Sharing; objects: LooseStixObject[]; texts: string[] }>();
  for (const [i, object] of objects.entries()) {
    const mine = here.get(object.id);
    if (mine !== undefined) {
      const modified = typeof object['modified'] === 'string' ? object['modified'] : null;
      // One of this hub's own coming back around a loop of hubs: not new, and its sharing is not the remote's to set.
      if (modified === null || mine.modified === null || compareTimestamps(modified, mine.modified) <= 0) {
        tally.loops++;
        continue;
      }
      keep.set(object.id, mine.sharing);
    }
    const tlp = tlpOfMarkings(markingRefs(object)) ?? plan.defaultTlp ?? 'amber';
    const sharing = receivedSharing({ tlp, owner: ownerOf(object, fallbackOwner), receiver: plan.receiver, ...(plan.narrowTo === undefined ? {} : { narrowTo: plan.narrowTo }) });
    if (!sharing.ok) {
      tally.rejected++;
      tally.rejections.push({ id: object.id, code: sharing.error.code, message: sharing.error.message });
      continue;
    }
    const key = `${sharing.value.tlp}|${sharing.value.audience.join(',')}`;
    const group = groups.get(key) ?? { sharing: sharing.value, objects: [], texts: [] };
    group.objects.push(object);
    // The server's own bytes when we have them (custom properties and number formats kept), else re-serialized.
    group.texts.push(texts?.[i] ?? JSON.stringify(object));
    groups.set(key, group);
  }
  for (const { sharing, objects: members, texts: memberTexts } of groups.values()) {
    const bundle = `{"type":"bundle","id":"bundle--${randomUUID()}","objects":[${memberTexts.join(',')}]}`;
    const imported = await importObjects(deps.stix, [bundle], { hubOwner: deps.hubOwner, owner: fallbackOwner, tlp: sharing.tlp, audience: sharing.audience, skipInvalid: true });
    if (!imported.ok) return err(imported.error);
    const s = imported.value;
    tally.added += s.added;
    tally.newVersions += s.newVersions;
    tally.unchanged += s.unchanged;
    tally.rejected += s.rejected;
    tally.rejections.push(...s.rejections);
    const refused = new Set(s.rejections.map((r) => r.id));
    const records: ReceivedRecord[] = [];
    for (const object of members) {
      const id = parseStixId(object.id);
      if (!id.ok || refused.has(object.id)) continue;
      const kept = keep.get(object.id);
      if (kept !== undefined) {
        // A newer version of a local object (e.g. a knowledge-base update): stored, shared as it was here.
        if (kept.tlp === sharing.tlp) await deps.stix.reshare(id.value, kept);
        continue;
      }
      const owner = ownerOf(object, fallbackOwner);
      records.push({ objectId: id.value, owner, tlp: sharing.tlp, audience: sharing.audience, withdrawn: false });
      const before = previous.get(id.value);
      if (before?.withdrawn === true) {
        // It is back in the remote collection: the owner widened it again.
        await reshare(deps, id.value, withdrawnSharing(before.owner, before.tlp), { owner, tlp: sharing.tlp, audience: sharing.audience });
        tally.restored++;
      }
      previous.set(id.value, { objectId: id.value, owner, tlp: sharing.tlp, audience: sharing.audience, withdrawn: false });
    }
    await deps.repo.recordReceived(plan.source, records, deps.now().toISOString());
  }
  return ok(undefined);
}

async function reshare(deps: PullDeps, id: StixId, before: Sharing, after: Sharing): Promise<void> {
  await deps.stix.reshare(id, after);
  await deps.onReshare?.({ id, before, after, by: { orgId: deps.hubOwner, userId: null }, at: deps.now() });
}

/** Every object id the remote collection lists now, paging its manifest by next or X-TAXII-Date-Added-Last. */
async function remoteIds(deps: PullDeps, plan: PullPlan): Promise<Result<ReadonlySet<string>, FederationError>> {
  const ids = new Set<string>();
  let position: { addedAfter?: string; next?: string } = {};
  for (let guard = 0; guard < 100_000; guard++) {
    const page = await deps.client.manifest(plan.location.collectionUrl, { limit: 1000, ...(plan.types === undefined ? {} : { types: plan.types }), ...position });
    if (!page.ok) return err(page.error);
    const records = page.value.resource.objects ?? [];
    for (const r of records) ids.add(r.id);
    if (page.value.resource.more !== true || records.length === 0) return ok(ids);
    const next = page.value.resource.next ?? '';
    const last = page.value.dateAddedLast;
    if (next !== '') position = { ...(position.addedAfter === undefined ? {} : { addedAfter: position.addedAfter }), next };
    else if (last !== null && last !== position.addedAfter) position = { addedAfter: last };
    else return err({ code: 'taxii-cannot-page', message: `${plan.location.collectionUrl} manifest says more records remain but gives no way to ask for them; narrowing was not checked` });
  }
  return err({ code: 'taxii-cannot-page', message: `${plan.location.collectionUrl} manifest did not end; narrowing was not checked` });
}

/**
 * Narrowing propagation: an owner who narrows an object makes it vanish from this hub's collection on
 * the remote. Received objects missing from the remote manifest are narrowed here to their owner alone
 * (so they also vanish from this hub's own collections, and from the hubs that pull from it); objects
 * that reappear get their received audience back.
 */
async function propagateNarrowing(deps: PullDeps, plan: PullPlan): Promise<Result<{ withdrawn: number; restored: number }, FederationError>> {
  const received = await deps.repo.received(plan.source);
  if (received.length === 0) return ok({ withdrawn: 0, restored: 0 });
  const present = await remoteIds(deps, plan);
  if (!present.ok) return present;
  const types = plan.types === undefined ? null : new Set(plan.types);
  const gone = received.filter((r) => !r.withdrawn && !present.value.has(r.objectId) && (types === null || types.has(r.objectId.slice(0, r.objectId.indexOf('--')))));
  const back = received.filter((r) => r.withdrawn && present.value.has(r.objectId));
  for (const r of gone) await reshare(deps, r.objectId, { owner: r.owner, tlp: r.tlp, audience: r.audience }, withdrawnSharing(r.owner, r.tlp));
  for (const r of back) await reshare(deps, r.objectId, withdrawnSharing(r.owner, r.tlp), { owner: r.owner, tlp: r.tlp, audience: r.audience });
  await deps.repo.setWithdrawn(plan.source, gone.map((r) => r.objectId), true);
  await deps.repo.setWithdrawn(plan.source, back.map((r) => r.objectId), false);
  return ok({ withdrawn: gone.length, restored: back.length });
}
