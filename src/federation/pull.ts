import { randomUUID } from 'node:crypto';
import type { AudienceKey } from '../domain/audience.ts';
import { orgIdOfUuid, parseOrgId, parseStixId, type OrgId, type StixId } from '../domain/ids.ts';
import type { Problem, ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { tlpOfMarkings, type Tlp } from '../domain/tlp.ts';
import { hubOrigin, remoteOwnerId } from '../domain/remote-owner.ts';
import { RAMPART_NAMESPACE, uuidV5 } from '../domain/uuid.ts';
import { importObjects } from '../ingest/import.ts';
import { accountsStore } from '../store/accounts.ts';
import type { Database } from '../store/db.ts';
import type { FederationRepository, ReceivedRecord } from '../store/federation.ts';
import type { Page, Sharing, StixStore, StoredVersion } from '../store/types.ts';
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
  /** Of `ids`, those that are organizations of this hub (their objects get versions only here). */
  readonly localOrganizations: (ids: readonly OrgId[]) => Promise<ReadonlySet<OrgId>>;
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
  /** Objects not stored, counted once each: invalid, TLP:RED, or another owner's version (each with its reason in rejections). */
  readonly rejected: number;
  /** Of those, versions refused because they came from another owner or another hub than the object's (federation-owner-conflict, federation-tlp-change). */
  readonly conflicts: number;
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

/** PullDeps.localOrganizations over the hub's accounts tables. */
export function localOrganizationsIn(database: Database<unknown>): PullDeps['localOrganizations'] {
  const accounts = accountsStore(database);
  return async (ids) => {
    const found = new Set<OrgId>();
    for (const id of ids) if ((await accounts.getOrganization(id)) !== null) found.add(id);
    return found;
  };
}

/** The owner of objects that name no creator: an identity derived from the remote, which no local organization is. */
export function remoteIdentity(url: string): OrgId {
  return orgIdOfUuid(uuidV5(`taxii-remote:${new URL(url).origin}`, RAMPART_NAMESPACE));
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
  const tally: Tally = { pages: 0, objects: 0, added: 0, newVersions: 0, unchanged: 0, rejected: 0, conflicts: 0, loops: 0, withdrawn: 0, restored: 0, rejections: [], position: saved };
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

/** What a pull does with one object it was offered. */
type Decision =
  | { readonly kind: 'receive' }
  /** A newer version of an object that originates on this hub: stored with the sharing chosen here. */
  | { readonly kind: 'update-local'; readonly sharing: Sharing }
  | { readonly kind: 'loop' }
  | { readonly kind: 'refuse'; readonly code: string; readonly message: string };

/** A STIX cyber-observable: no created or modified (as src/ingest/ownership.ts tells them). */
function isObservableObject(object: LooseStixObject): boolean {
  return object['created'] === undefined && object['modified'] === undefined;
}

function modifiedOf(object: LooseStixObject): string | null {
  return typeof object['modified'] === 'string' ? object['modified'] : null;
}

/**
 * Whose version an offered object is, against what this hub holds of its id (`records`: the latest version
 * of each stored record). A received object takes versions only from its remote owner: the same creator
 * through the same hub. An object that originates here takes none, except a newer version from the same
 * creator when that creator is not one of this hub's organizations (a knowledge base imported here and
 * updated elsewhere), with the same TLP; its sharing stays the one chosen here. Refusal messages name
 * neither the stored owner nor the hub it came from: the feed's organization may not be able to read it.
 */
function decide(object: LooseStixObject, owner: OrgId, creator: OrgId, records: readonly StoredVersion[], received: boolean, localOrgs: ReadonlySet<OrgId>, tlp: Tlp): Decision {
  if (records.length === 0) return { kind: 'receive' };
  if (isObservableObject(object)) {
    // An observable's id derives from its value: anyone may record it, and every owner's record is its own
    // (docs/sharing-and-audit.md, "Same id, several owners"). Taking the remote owner's beside the others
    // changes none of them, and refusing it would tell the feed's organization that someone here holds that value.
    const ours = records.some((r) => r.sharing.owner === owner);
    const here = !received && records.some((r) => r.sharing.owner === creator);
    return !ours && here ? { kind: 'loop' } : { kind: 'receive' };
  }
  const version = `${object.id} (modified ${modifiedOf(object) ?? 'none'})`;
  if (received) {
    if (records.some((r) => r.sharing.owner === owner)) return { kind: 'receive' };
    return {
      kind: 'refuse',
      code: 'federation-owner-conflict',
      message: `${version} was not stored: this hub already holds ${object.id} from another owner or received through another hub, and takes versions of a received object only from its owner through the hub it first came from`,
    };
  }
  const mine = records.find((r) => r.sharing.owner === creator);
  const modified = modifiedOf(object);
  const newer = mine !== undefined && modified !== null && mine.modified !== null && compareTimestamps(modified, mine.modified) > 0;
  // One of this hub's own coming back around a loop of hubs: not new, and its sharing is not the remote's to set.
  if (mine !== undefined && !newer) return { kind: 'loop' };
  if (mine === undefined || localOrgs.has(creator)) {
    return {
      kind: 'refuse',
      code: 'federation-owner-conflict',
      message: `${version} was not stored: ${object.id} originates on this hub, and only its owner here publishes versions of it`,
    };
  }
  if (mine.sharing.tlp !== tlp) {
    return {
      kind: 'refuse',
      code: 'federation-tlp-change',
      message: `${version} was not stored: it changes the TLP of ${object.id}, an object imported on this hub whose sharing is decided here`,
    };
  }
  return { kind: 'update-local', sharing: mine.sharing };
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
  const origin = hubOrigin(plan.location.collectionUrl);
  // Objects without a creator are already owned by the remote's derived identity, which no local organization is.
  const ownerFor = (creator: OrgId): OrgId => (creator === fallbackOwner ? creator : remoteOwnerId(origin, creator));
  const ids = objects.flatMap((o) => {
    const id = parseStixId(o.id);
    return id.ok ? [id.value] : [];
  });
  const records = new Map<string, StoredVersion[]>();
  let received: ReadonlySet<string> = new Set();
  if (ids.length > 0) {
    // Every record of each id (an observable may have one per owner): a record missed here would let another owner's version through.
    let cursor: string | null = null;
    do {
      const page: Result<Page<StoredVersion>, Problem> = await deps.stix.list({ kind: 'operator' }, { ids, limit: 1000, ...(cursor === null ? {} : { cursor }) });
      if (!page.ok) return err(page.error);
      for (const v of page.value.items) records.set(v.id, [...(records.get(v.id) ?? []), v]);
      cursor = page.value.nextCursor;
    } while (cursor !== null);
    received = await deps.repo.receivedAnywhere(ids.filter((id) => records.has(id)));
  }
  const creators = new Set<OrgId>();
  for (const object of objects) if (records.has(object.id) && !received.has(object.id)) creators.add(ownerOf(object, fallbackOwner));
  const localOrgs = creators.size === 0 ? new Set<OrgId>() : await deps.localOrganizations([...creators]);

  const refusals: { objectId: string; version: string; code: string; message: string }[] = [];
  const refuse = (object: LooseStixObject, code: string, message: string) => {
    tally.rejected++;
    tally.rejections.push({ id: object.id, code, message });
    refusals.push({ objectId: object.id, version: modifiedOf(object) ?? '', code, message });
  };
  const groups = new Map<string, { sharing: Sharing; received: boolean; objects: LooseStixObject[]; texts: string[] }>();
  for (const [i, object] of objects.entries()) {
    const tlp = tlpOfMarkings(markingRefs(object)) ?? plan.defaultTlp ?? 'amber';
    const creator = ownerOf(object, fallbackOwner);
    const owner = ownerFor(creator);
    const decision = decide(object, owner, creator, records.get(object.id) ?? [], received.has(object.id), localOrgs, tlp);
    let sharing: Sharing;
    switch (decision.kind) {
      case 'loop':
        tally.loops++;
        continue;
      case 'refuse':
        tally.conflicts++;
        refuse(object, decision.code, decision.message);
        continue;
      case 'update-local':
        sharing = decision.sharing;
        break;
      case 'receive': {
        const given = receivedSharing({ tlp, owner, receiver: plan.receiver, ...(plan.narrowTo === undefined ? {} : { narrowTo: plan.narrowTo }) });
        if (!given.ok) {
          refuse(object, given.error.code, given.error.message);
          continue;
        }
        sharing = given.value;
        break;
      }
    }
    const isReceived = decision.kind === 'receive';
    const key = `${String(isReceived)}|${sharing.tlp}|${sharing.audience.join(',')}`;
    const group = groups.get(key) ?? { sharing, received: isReceived, objects: [], texts: [] };
    group.objects.push(object);
    // The server's own bytes when we have them (custom properties and number formats kept), else re-serialized.
    group.texts.push(texts?.[i] ?? JSON.stringify(object));
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const { sharing, objects: members, texts: memberTexts } = group;
    const bundle = `{"type":"bundle","id":"bundle--${randomUUID()}","objects":[${memberTexts.join(',')}]}`;
    // Received objects belong to their remote owner; a local object's update keeps its owner here (its creator, checked above).
    const owners = group.received ? { ownerFor } : {};
    const imported = await importObjects(deps.stix, [bundle], { hubOwner: deps.hubOwner, owner: fallbackOwner, ...owners, tlp: sharing.tlp, audience: sharing.audience, skipInvalid: true });
    if (!imported.ok) return err(imported.error);
    const s = imported.value;
    tally.added += s.added;
    tally.newVersions += s.newVersions;
    tally.unchanged += s.unchanged;
    tally.rejected += s.rejected;
    tally.rejections.push(...s.rejections);
    for (const r of s.rejections) {
      const object = members.find((o) => o.id === r.id);
      refusals.push({ objectId: r.id ?? '', version: object === undefined ? '' : (modifiedOf(object) ?? ''), code: r.code, message: r.message });
    }
    if (!group.received) continue;
    const refused = new Set(s.rejections.map((r) => r.id));
    const records: ReceivedRecord[] = [];
    for (const object of members) {
      const id = parseStixId(object.id);
      if (!id.ok || refused.has(object.id)) continue;
      const owner = ownerFor(ownerOf(object, fallbackOwner));
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
  await deps.repo.recordRefusals(plan.source, refusals, deps.now().toISOString());
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
