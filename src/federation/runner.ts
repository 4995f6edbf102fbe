import type { OrgId } from '../domain/ids.ts';
import { ok, type Result } from '../domain/result.ts';
import type { FederationRepository, FeedRecord } from '../store/federation.ts';
import type { Reader, StixStore } from '../store/types.ts';
import { taxiiClient, type TaxiiClient } from '../taxii/client/client.ts';
import { taxiiTransport, type TaxiiAuth, type TransportOptions } from '../taxii/client/transport.ts';
import { envCredentials, type CredentialResolver } from './credentials.ts';
import { remoteIdentity, runPull, type FederationError, type PullDeps, type PullSummary } from './pull.ts';
import { runPush, type PushRunSummary } from './push.ts';

export interface FederationDeps {
  readonly stix: StixStore;
  readonly repo: FederationRepository;
  readonly now: () => Date;
  /** The hub's own identity (owner of last resort in the import pipeline). */
  readonly hubOwner: OrgId;
  /** Of some ids, those that are organizations of this hub. */
  readonly localOrganizations: PullDeps['localOrganizations'];
  /** Resolves a feed's credential reference (default: environment variables). */
  readonly credentials?: CredentialResolver;
  /** Builds the TAXII client for a feed (tests shorten the retries). */
  readonly clientFor?: (auth: TaxiiAuth) => TaxiiClient;
  /** Retry and timeout settings of the default client. */
  readonly transport?: Omit<TransportOptions, 'auth'>;
  /** Told after a pull narrows or restores an object (live feeds, audit). */
  readonly onReshare?: PullDeps['onReshare'];
}

export type FeedRunSummary = { readonly direction: 'pull'; readonly pull: PullSummary } | { readonly direction: 'push'; readonly push: PushRunSummary };

/**
 * Who a push feed reads as: the remote partner, seen through the keys the feed names. Its org id is the
 * remote's derived identity, which owns nothing of this hub's, so only what was shared with those keys leaves;
 * of that, only the feed organization's own objects (runFeed passes ownedBy), since only an owner decides
 * where its objects go and a received object never travels further by push.
 */
export function pushReader(feed: FeedRecord): Reader {
  return { kind: 'member', orgId: remoteIdentity(feed.url), userId: null, keys: feed.audience };
}

/** One run of a feed: locate the remote collection, then pull into the store or push out of it. */
export async function runFeed(deps: FederationDeps, feed: FeedRecord): Promise<Result<FeedRunSummary, FederationError>> {
  const auth = (deps.credentials ?? envCredentials())(feed.credentialRef);
  if (!auth.ok) return auth;
  const client = deps.clientFor?.(auth.value) ?? taxiiClient(taxiiTransport({ ...deps.transport, auth: auth.value }));
  const location = await client.locate(feed.url, feed.collection);
  if (!location.ok) return location;
  const source = `feed:${feed.id}`;
  const types = feed.types === null ? {} : { types: feed.types };
  switch (feed.direction) {
    case 'pull': {
      const pulled = await runPull(
        { stix: deps.stix, repo: deps.repo, client, now: deps.now, hubOwner: deps.hubOwner, localOrganizations: deps.localOrganizations, ...(deps.onReshare === undefined ? {} : { onReshare: deps.onReshare }) },
        { source, location: location.value, receiver: feed.orgId, ...(feed.audience.length === 0 ? {} : { narrowTo: feed.audience }), ...types },
      );
      return pulled.ok ? ok({ direction: 'pull', pull: pulled.value }) : pulled;
    }
    case 'push': {
      const pushed = await runPush({ stix: deps.stix, repo: deps.repo, client, now: deps.now }, { source, location: location.value, reader: pushReader(feed), ownedBy: feed.orgId, ...types });
      return pushed.ok ? ok({ direction: 'push', push: pushed.value }) : pushed;
    }
  }
}

/** One line for the feed's last_message and the logs. */
export function describeRun(result: Result<FeedRunSummary, FederationError>): string {
  if (!result.ok) return `${result.error.code}: ${result.error.message}`;
  const run = result.value;
  if (run.direction === 'pull') {
    const s = run.pull;
    return `pulled ${s.objects} objects in ${s.pages} pages: ${s.added} added, ${s.newVersions} new versions, ${s.unchanged} unchanged, ${s.loops} own objects skipped, ${s.rejected} refused (${s.conflicts} another owner's version), ${s.withdrawn} narrowed, ${s.restored} restored`;
  }
  const s = run.push;
  return `pushed ${s.sent} objects in ${s.envelopes} envelopes: ${s.succeeded} accepted, ${s.failed} failed, ${s.pending} pending`;
}
