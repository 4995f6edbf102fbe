import { randomUUID, sign } from 'node:crypto';
import type { AudienceKey } from '../domain/audience.ts';
import type { Clock } from '../domain/clock.ts';
import { parseOrgId, type OrgId, type StixId, type UserId } from '../domain/ids.ts';
import type { OrgKind } from '../domain/organization.ts';
import type { Principal } from '../domain/principal.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { checkpointBytes, type Checkpoint, type TransparencyEvent } from '../domain/transparency.ts';
import type { SigningKey } from '../statements/signing.ts';
import type { PlatformShareRow, TransparencyRepository } from '../store/transparency.ts';
import type { Reader, StixStore } from '../store/types.ts';

export interface TransparencyDeps {
  readonly repo: TransparencyRepository;
  readonly clock: Clock;
  readonly hubOwner: OrgId;
  /** The hub's active Ed25519 key (the one that countersigns joint statements), made when missing. */
  readonly hubKey: () => Promise<Result<SigningKey, Problem>>;
}

export interface ShareDeps extends TransparencyDeps {
  readonly stix: StixStore;
  readonly org: (id: OrgId) => Promise<{ readonly kind: OrgKind; readonly name: string; readonly partner_type: string | null } | null>;
  readonly keysOf: (orgId: OrgId, userId: UserId | null) => Promise<readonly AudienceKey[]>;
}

/** A signed checkpoint as published, with its number. */
export type CheckpointView = Checkpoint & { readonly id: number };

/** Signs the tree head as it is now with the hub's key and keeps it. */
export async function signCheckpoint(deps: TransparencyDeps): Promise<Result<CheckpointView, Problem>> {
  const key = await deps.hubKey();
  if (!key.ok) return key;
  const time = deps.clock.now().toISOString();
  return ok(
    await deps.repo.addCheckpoint((head) => {
      const tree = { hub: deps.hubOwner, tree_size: head.seq, head_hash: head.hash, time };
      return { ...tree, key_id: key.value.keyId, signature: sign(null, checkpointBytes(tree), key.value.privateKey).toString('base64url') };
    }),
  );
}

/**
 * A new checkpoint when the log grew since the latest one or that one is older than `maxAgeMs`; otherwise the
 * latest (so asking often signs nothing new). `made` says which.
 */
export async function checkpointIfDue(deps: TransparencyDeps, maxAgeMs: number): Promise<Result<{ checkpoint: CheckpointView; made: boolean }, Problem>> {
  const [latest, head] = await Promise.all([deps.repo.latestCheckpoint(), deps.repo.head()]);
  const fresh = latest !== null && latest.tree_size === head.seq && latest.head_hash === head.hash && deps.clock.now().getTime() - Date.parse(latest.time) < maxAgeMs;
  if (fresh) return ok({ checkpoint: latest, made: false });
  const made = await signCheckpoint(deps);
  return made.ok ? ok({ checkpoint: made.value, made: true }) : made;
}

/**
 * Signs a checkpoint every `everyMs` when one is due (the log grew, or a day passed: readers see the log is
 * still kept). Returns the stop function. Errors go to `onError`, never stop the timer.
 */
export function startCheckpoints(deps: TransparencyDeps, everyMs: number, onError: (error: unknown) => void): () => void {
  const timer = setInterval(() => {
    checkpointIfDue(deps, 24 * 3600_000).then((r) => {
      if (!r.ok) onError(new Error(r.error.message));
    }, onError);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

// ---- platform sharing ----

export const RESPONSE_OUTCOMES = ['no-action', 'labelled', 'reduced-reach', 'removed-under-platform-rules', 'under-review', 'other'] as const;
export type ResponseOutcome = (typeof RESPONSE_OUTCOMES)[number];

export interface ShareInput {
  readonly object_id: StixId;
  readonly platform: OrgId;
  readonly url: string;
  readonly reason: string;
}

export interface ResponseInput {
  readonly outcome: ResponseOutcome;
  readonly response: string;
}

/** A share as the official and the platform see it. */
export interface ShareView {
  readonly id: string;
  readonly object_id: string;
  readonly object_public: boolean;
  readonly shared_by: { readonly org_id: string; readonly name: string | null };
  readonly platform: { readonly org_id: string; readonly name: string | null };
  readonly url: string;
  readonly reason: string;
  readonly shared_at: string;
  readonly response: { readonly outcome: string; readonly text: string; readonly at: string; readonly by: string } | null;
  /** The entry of the public transparency log that records the share. */
  readonly log_seq: number;
}

const GOVERNMENT: ReadonlySet<OrgKind> = new Set(['federal', 'state', 'territory', 'local']);
const invalid = (path: string, code: string, message: string): Problem => problem('invalid', code, message, [{ path, code, message }]);
const shareNotFound = (id: string): Problem => problem('not-found', 'not-found', `No platform share ${id} that your organization made or received`);

export async function viewOfShare(deps: Pick<ShareDeps, 'org'>, row: PlatformShareRow): Promise<ShareView> {
  const name = async (id: string) => {
    const org = parseOrgId(id);
    return org.ok ? ((await deps.org(org.value))?.name ?? null) : null;
  };
  return {
    id: row.id,
    object_id: row.object_id,
    object_public: row.object_public === 1,
    shared_by: { org_id: row.shared_by_org, name: await name(row.shared_by_org) },
    platform: { org_id: row.platform_org, name: await name(row.platform_org) },
    url: row.url,
    reason: row.reason,
    shared_at: row.shared_at,
    response: row.response === null || row.response_at === null ? null : { outcome: row.response_outcome ?? 'other', text: row.response, at: row.response_at, by: row.response_by_org ?? '' },
    log_seq: row.seq,
  };
}

function checkUrl(url: string): Result<string, Problem> {
  const text = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return err(invalid('$.url', 'invalid-url', `"${text}" is not a web address; give the full address of the post, starting with https://`));
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return err(invalid('$.url', 'invalid-url', `Give the post's web address (http or https), not a ${parsed.protocol} address`));
  if (parsed.username !== '' || parsed.password !== '') return err(invalid('$.url', 'invalid-url', 'The address carries a user name or password; give the public address of the post'));
  return ok(parsed.href);
}

/**
 * An official records that a report was shared with a platform partner: the report must be one the
 * official may see and that is shared with the platform already; the share goes into the public
 * transparency log (who, when, the address, the reason; the report's id only when the report is public).
 */
export async function recordShare(deps: ShareDeps, principal: Principal, reader: Reader, input: ShareInput): Promise<Result<ShareView, Problem>> {
  const own = await deps.org(principal.orgId);
  if (own === null || !GOVERNMENT.has(own.kind)) {
    return err(problem('forbidden', 'not-an-official', 'Only election offices and government agencies record what they shared with platforms; partners and ISACs share through the usual audience settings'));
  }
  const platform = await deps.org(input.platform);
  if (platform === null || platform.kind !== 'private' || platform.partner_type !== 'platform') {
    return err(invalid('$.platform', 'not-a-platform', `${input.platform} is not a platform partner; choose one from the list of platforms`));
  }
  const url = checkUrl(input.url);
  if (!url.ok) return url;
  const reason = input.reason.trim();
  if (reason === '') return err(invalid('$.reason', 'empty-reason', 'Say why you shared the report; the reason is published in the transparency log'));
  const found = await deps.stix.get(reader, input.object_id);
  if (found === null) return err(problem('not-found', 'not-found', `No report ${input.object_id} that you may see; check the id`));
  const platformReader: Reader = { kind: 'member', orgId: input.platform, userId: null, keys: await deps.keysOf(input.platform, null) };
  if ((await deps.stix.get(platformReader, input.object_id)) === null) {
    return err(invalid('$.object_id', 'not-shared-with-platform', `${platform.name} cannot see ${input.object_id}; share the report with them first (its owner sets its audience), then record the share`));
  }
  const objectPublic = found.sharing.tlp === 'clear' && found.sharing.audience.includes('public');
  const sharedAt = deps.clock.now().toISOString();
  const row = {
    id: randomUUID(),
    object_id: input.object_id,
    object_public: objectPublic ? 1 : 0,
    shared_by_org: principal.orgId,
    shared_by_user: principal.userId,
    platform_org: input.platform,
    url: url.value,
    reason,
    shared_at: sharedAt,
    response: null,
    response_outcome: null,
    response_at: null,
    response_by_org: null,
  };
  const stored = await deps.repo.recordShare(row, (r): TransparencyEvent => ({
    kind: 'platform-share',
    time: sharedAt,
    content: {
      share_id: r.id,
      official: { org_ref: r.shared_by_org, name: own.name },
      platform: { org_ref: r.platform_org, name: platform.name },
      url: r.url,
      reason: r.reason,
      // Only a public report is named: the log never shows what the public may not see.
      report: objectPublic ? r.object_id : null,
    },
  }));
  return ok(await viewOfShare(deps, stored));
}

/** The share, when the caller's organization made or received it. */
export async function shareFor(deps: ShareDeps, principal: Principal, id: string): Promise<Result<PlatformShareRow, Problem>> {
  const row = await deps.repo.share(id);
  if (row === null || (row.shared_by_org !== principal.orgId && row.platform_org !== principal.orgId)) return err(shareNotFound(id));
  return ok(row);
}

/** The platform's response, recorded by the platform or by the official who heard it; each response is logged. */
export async function recordResponse(deps: ShareDeps, principal: Principal, id: string, input: ResponseInput): Promise<Result<ShareView, Problem>> {
  const found = await shareFor(deps, principal, id);
  if (!found.ok) return found;
  const text = input.response.trim();
  if (text === '') return err(invalid('$.response', 'empty-response', "Write the platform's response; it is published in the transparency log"));
  const at = deps.clock.now().toISOString();
  const by = await deps.org(principal.orgId);
  const updated = await deps.repo.recordResponse(id, { response: text, response_outcome: input.outcome, response_at: at, response_by_org: principal.orgId }, {
    kind: 'platform-response',
    time: at,
    content: { share_id: id, share_seq: found.value.seq, outcome: input.outcome, response: text, recorded_by: { org_ref: principal.orgId, name: by?.name ?? null } },
  });
  if (updated === null) throw new Error('a share just answered is missing');
  return ok(await viewOfShare(deps, updated));
}

/** Shares the caller's organization made or received, newest first. */
export async function listShares(deps: ShareDeps, principal: Principal): Promise<ShareView[]> {
  return Promise.all((await deps.repo.sharesOf(principal.orgId, 500)).map((r) => viewOfShare(deps, r)));
}
