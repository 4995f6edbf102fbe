import type { OrgId } from '../domain/ids.ts';
import type { Result } from '../domain/result.ts';
import type { Principal } from '../domain/principal.ts';
import type { Database } from '../store/db.ts';
import { federationRepository, type FederationRepository, type FeedRecord } from '../store/federation.ts';
import type { StixStore } from '../store/types.ts';
import { envCredentials, type CredentialResolver } from './credentials.ts';
import { localOrganizationsIn, type FederationError } from './pull.ts';
import type { FederationRoutesOptions } from './routes.ts';
import { runFeed, type FederationDeps, type FeedRunSummary } from './runner.ts';
import { feedScheduler, type FeedScheduler, type Timers } from './scheduler.ts';

export { runFeed, describeRun, pushReader, type FeedRunSummary } from './runner.ts';
export { feedScheduler, type FeedScheduler } from './scheduler.ts';
export { receivedSharing, withdrawnSharing } from './received-sharing.ts';
export type { FederationReshareEvent } from './pull.ts';

export interface FederationOptions {
  /** The opened store (`openStore({ url })`): its STIX store and database. */
  readonly store: { readonly stix: StixStore; readonly database: Database<unknown> };
  readonly hubOwner: OrgId;
  readonly clock: { now(): Date };
  /** Whether a principal is an org-admin of its organization (only they manage feeds). */
  readonly isOrgAdmin: (principal: Principal) => Promise<boolean>;
  /** Default: feeds' env:<VAR> references read from process.env. */
  readonly credentials?: CredentialResolver;
  readonly tickMs?: number;
  readonly timers?: Timers;
  readonly transport?: FederationDeps['transport'];
  readonly clientFor?: FederationDeps['clientFor'];
  /** Told after a pull narrows or restores an object: hand it to live feeds (and the audit log) like the sharing service's re-shares. */
  readonly onReshare?: FederationDeps['onReshare'];
  readonly onRun?: (feed: FeedRecord, result: Result<FeedRunSummary, FederationError>) => void;
}

export interface Federation {
  readonly repo: FederationRepository;
  /** start() with the server, await stop() before closing the store. */
  readonly scheduler: FeedScheduler;
  /** What the /api/v1/feeds routes work with: hub/compose.ts mounts federationPlugin(routes). */
  readonly routes: FederationRoutesOptions;
  /** Feeds whose credential cannot be used as it is (variable unset or not in a feed secret's form): `rampart serve` says so at start. */
  credentialProblems(): Promise<readonly { readonly feed: FeedRecord; readonly error: FederationError }[]>;
}

/** Everything `rampart serve` needs for federation: the feed scheduler and its REST routes over one store. */
export function federation(options: FederationOptions): Federation {
  const repo = federationRepository(options.store.database);
  const credentials = options.credentials ?? envCredentials();
  const deps: FederationDeps = {
    stix: options.store.stix,
    repo,
    now: () => options.clock.now(),
    hubOwner: options.hubOwner,
    localOrganizations: localOrganizationsIn(options.store.database),
    credentials,
    ...(options.transport === undefined ? {} : { transport: options.transport }),
    ...(options.clientFor === undefined ? {} : { clientFor: options.clientFor }),
    ...(options.onReshare === undefined ? {} : { onReshare: options.onReshare }),
  };
  const scheduler = feedScheduler({
    repo,
    run: (feed) => runFeed(deps, feed),
    clock: options.clock,
    ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
    ...(options.onRun === undefined ? {} : { onRun: options.onRun }),
  });
  return {
    repo,
    scheduler,
    routes: { repo, scheduler, clock: options.clock, isOrgAdmin: options.isOrgAdmin, credentials },
    async credentialProblems() {
      const problems: { feed: FeedRecord; error: FederationError }[] = [];
      for (const feed of await repo.feeds()) {
        const auth = credentials(feed.credentialRef);
        if (!auth.ok) problems.push({ feed, error: auth.error });
      }
      return problems;
    },
  };
}
