import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { accountRoutes } from '../accounts/routes.ts';
import { inProcessBus, type Change, type ChangeBus } from '../alerts/bus.ts';
import { cachedNames } from '../alerts/feed.ts';
import { publishingStixStore } from '../alerts/publishing-store.ts';
import { liveRoutes, type LiveRouteDeps } from '../alerts/routes.ts';
import { orgInfoPort } from '../accounts/organizations.ts';
import { createAuditLog, type AuditLog } from '../audit/audit-log.ts';
import { auditAuthEvents } from '../audit/auth-events.ts';
import { auditRoutes } from '../audit/routes.ts';
import type { SecretBox } from '../auth/secret-box.ts';
import type { AuthPolicy } from '../accounts/context.ts';
import { createAuthService, type AuthService } from '../auth/service.ts';
import { audienceKind, type AudienceKey } from '../domain/audience.ts';
import { groupIdOfKey, orgIdOfKey, type OrgId, type UserId } from '../domain/ids.ts';
import { electionRoutes } from '../elections/routes.ts';
import { federation, type Federation } from '../federation/index.ts';
import { federationPlugin } from '../federation/routes.ts';
import { statusRoutes } from '../status/routes.ts';
import { jurisdictionsFrom } from '../status/jurisdictions.ts';
import { rollupCache } from '../status/rollup-cache.ts';
import { warmRollups } from '../status/service.ts';
import { listElections } from '../elections/service.ts';
import { warmCredentials, warmStart, type WarmStarted } from './warm-start.ts';
import { electionStatusStore } from '../store/elections.ts';
import { buildApp } from '../http/app.ts';
import type { AppPlugin, HttpConfig } from '../http/deps.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import type { Principal } from '../domain/principal.ts';
import { incidentRoutes } from '../incidents/routes.ts';
import { supportRoutes } from '../support/routes.ts';
import { incidentTitle } from '../support/incident.ts';
import { rumourRoutes } from '../rumours/routes.ts';
import type { RumourDeps } from '../rumours/service.ts';
import { statementRoutes } from '../statements/routes.ts';
import type { StatementDeps } from '../statements/service.ts';
import { statementRepository } from '../store/statements.ts';
import { signingKeyOf } from '../statements/keys.ts';
import { transparencyRepository } from '../store/transparency.ts';
import { transparencyRoutes } from '../transparency/routes.ts';
import { startCheckpoints, type TransparencyDeps } from '../transparency/service.ts';
import { secretBox as makeSecretBox } from '../auth/secret-box.ts';
import { randomBytes } from 'node:crypto';
import { supportRepository } from '../store/support.ts';
import { savedSearchRepository } from '../store/saved-searches.ts';
import { savedSearchRoutes } from '../search/routes.ts';
import { matchPlugin } from '../matching/routes.ts';
import { mispPlugin } from '../misp/routes.ts';
import { objectsPlugin } from '../objects/routes.ts';
import { connectionsPlugin } from '../objects/connection-routes.ts';
import { exportPlugin } from '../ingest/export-routes.ts';
import { importPlugin } from '../ingest/import-routes.ts';
import { dashboardPlugin } from '../dashboard/routes.ts';
import type { AuditPort } from '../audit/audit-log.ts';
import type { SharingPort } from '../sharing/port.ts';
import type { Reader, StixStore } from '../store/types.ts';
import { sharingRoutes } from '../sharing/routes.ts';
import { keysFrom } from '../sharing/keys.ts';
import { createSharingService, type SharingService } from '../sharing/service.ts';
import type { RampartStore } from '../store/index.ts';
import { accountsStore } from '../store/accounts.ts';
import { sharingRepository } from '../store/sharing-store.ts';
import { taxiiStore } from '../store/taxii.ts';
import { taxiiPlugin } from '../taxii/plugin.ts';
import { notificationsStore } from '../store/notifications.ts';
import { accountsDirectory } from '../notifications/accounts-directory.ts';
import { logMailer, type Mailer } from '../notifications/email.ts';
import { createNotifier, type Notifier, type NotifierOptions } from '../notifications/notifier.ts';
import { notificationRoutes } from '../notifications/routes.ts';
import { createNotificationService, type NotificationService } from '../notifications/service.ts';

const quietLog = { info: () => undefined, warn: () => undefined, error: (fields: Record<string, unknown>, message: string) => console.error(message, fields) };

export interface HubOptions {
  readonly store: RampartStore;
  /** Seals TOTP secrets at rest (`rampart serve` loads the server key); a random key of this process when left out. */
  readonly secretBox?: SecretBox;
  readonly hubOwner: OrgId;
  readonly clock?: Clock;
  /** Sign-in rules and password hashing cost (DEFAULT_AUTH_POLICY when left out; tests take a cheap scrypt cost). */
  readonly authPolicy?: Partial<AuthPolicy>;
  readonly http?: Omit<HttpConfig, 'hubOwner'>;
  /** Key for TAXII `next` tokens; random per start when unset. */
  readonly taxiiSecret?: string;
  readonly logger?: FastifyBaseLogger;
  /** Where stored and re-shared objects are announced to live feeds (NATS across processes); in-process by default. Closed with the app. */
  readonly bus?: ChangeBus;
  /** Live-feed limits (tests shorten them). */
  readonly live?: Pick<LiveRouteDeps, 'maxPerPrincipal' | 'heartbeatMs' | 'maxAgeMs' | 'pageSize'>;
  /** Alerts: the mailer (the log when left out), webhook sender, delivery policy, links' base address. */
  readonly notifications?: Partial<Pick<NotifierOptions, 'sendWebhook' | 'policy' | 'pollMs' | 'baseUrl' | 'digestHourUtc' | 'log' | 'queue'>> & { readonly mailer?: Mailer };
  /** How often the hub signs a checkpoint of the transparency log when it grew (default 10 minutes; 0: only on demand). */
  readonly transparencyCheckpointMs?: number;
}

/** What the REST core (objects, import, export, dashboard) is built from. */
export interface RestDeps {
  readonly stix: StixStore;
  readonly sharing: SharingPort;
  readonly clock: Clock;
  readonly audit?: AuditPort;
  /** Largest upload to /api/v1/import in bytes (1 GiB by default). */
  readonly importLimit?: number;
  /** Organization names, for readable titles and CSV exports (ids only when absent). */
  readonly orgName?: (id: OrgId) => Promise<string | null>;
}

/** The REST core's features as plugins: the objects API, bundle import and export, the dashboard. Tests that build an app of their own mount them too. */
export function restPlugins(deps: RestDeps): AppPlugin[] {
  const audit = deps.audit === undefined ? {} : { audit: deps.audit };
  return [
    objectsPlugin({ stix: deps.stix, sharing: deps.sharing, clock: deps.clock, ...audit }),
    importPlugin({ stix: deps.stix, sharing: deps.sharing, ...audit, ...(deps.importLimit === undefined ? {} : { importLimit: deps.importLimit }) }),
    exportPlugin({ stix: deps.stix, clock: deps.clock, ...audit }),
    connectionsPlugin({ stix: deps.stix, clock: deps.clock, ...audit, ...(deps.orgName === undefined ? {} : { orgName: deps.orgName }) }),
    dashboardPlugin({ stix: deps.stix, clock: deps.clock }),
  ];
}

/** One Rampart hub: the HTTP app with every feature mounted, and the services behind it. */
export interface Hub {
  readonly app: FastifyInstance;
  readonly auth: AuthService;
  readonly sharing: SharingService;
  readonly audit: AuditLog;
  readonly federation: Federation;
  readonly bus: ChangeBus;
  /** Matches, delivers and escalates alerts in the background once started (`rampart serve` starts it; stopped with the app). */
  readonly notifier: Notifier;
  readonly notifications: NotificationService;
  /**
   * What publishing to the public takes (rumour control, joint statements, the transparency log, a member's keys): the
   * demo publishes its correction and its joint statement through it.
   */
  readonly publishing: {
    readonly rumours: RumourDeps;
    readonly statements: StatementDeps;
    readonly transparency: TransparencyDeps;
    readonly keysOf: (orgId: OrgId, userId: UserId | null) => Promise<readonly AudienceKey[]>;
  };
  /**
   * A warm start, before the server listens (warm-start.ts): this process's roll-ups of the elections under way built
   * for the offices that watch election day (state and territory offices, federal agencies) and asked through their
   * routes, their lists and searches read, every pooled connection running the hot statements. Writes nothing. Once.
   */
  readonly warmStart: () => Promise<WarmStarted>;
}

/** Account events after which a live stream's credentials may no longer hold (src/alerts/routes.ts reads them again). */
const ACCESS_LOST: ReadonlySet<string> = new Set(['sign-out', 'api-key-revoked', 'user-disabled', 'password-changed', 'totp-reset', 'org-settings-changed']);

/**
 * Wires every capability over one store: audit log, sharing rule (keys, defaults, groups), accounts
 * and sign-in, TAXII 2.1 server, log matching, federation feeds, dashboard and web UI. The one place
 * that knows them all; `rampart serve` and the end-to-end tests use it.
 */
export async function composeHub(options: HubOptions): Promise<Hub> {
  const { hubOwner } = options;
  const bus = options.bus ?? inProcessBus();
  // Every feature gets the store through this wrapper, so each write path announces what it stored.
  let changedHere: (change: Change) => void = () => undefined;
  const store: RampartStore = { ...options.store, stix: publishingStixStore(options.store.stix, bus, (change) => changedHere(change)) };
  const clock = options.clock ?? systemClock;
  const audit = createAuditLog(store, clock);
  const orgInfo = orgInfoPort(store);
  // Keys or credentials taken away, once written and audited: the live streams of those organizations read their readers again now.
  const accessLost = (orgs: readonly (string | null)[]) => {
    const named = orgs.filter((o): o is string => o !== null);
    bus.publish({ kind: 'access', ...(named.length === 0 ? {} : { orgs: named }) });
  };
  const sharing = createSharingService({
    store,
    orgInfo,
    clock,
    audit: {
      async record(entry) {
        await audit.record(entry);
        if (entry.action === 'group-left' || entry.action === 'group-member-removed') accessLost([entry.actorOrg, entry.subjectOrg ?? null]);
      },
      async recordAll(entries) {
        await audit.recordAll(entries);
        const left = entries.filter((e) => e.action === 'group-left' || e.action === 'group-member-removed');
        if (left.length > 0) accessLost(left.flatMap((e) => [e.actorOrg, e.subjectOrg ?? null]));
      },
    },
  });
  const auditAuth = auditAuthEvents(audit);
  const auth = createAuthService(options.secretBox === undefined ? store : { ...store, secretBox: options.secretBox }, {
    clock,
    ...(options.authPolicy === undefined ? {} : { policy: options.authPolicy }),
    onEvent: async (event) => {
      await auditAuth(event);
      if (ACCESS_LOST.has(event.type)) accessLost([event.orgId]);
    },
    keysOf: (orgId, org, userId, groups) => keysFrom(orgId, org === null ? null : { kind: org.kind, stateFips: org.state_fips }, userId, groups),
    groupsOf: async (orgId) => (await sharing.listGroups(orgId)).filter((g) => g.status === 'accepted').map((g) => ({ id: g.id, name: g.name })),
    onTouchError: (error) => notifyLog.error({ err: error }, "could not record API keys' last use; they are recorded again at their next use"),
  });
  const isOrgAdmin = async (principal: Principal) => (await auth.userOf(principal))?.role === 'org-admin';
  const fed = federation({
    store,
    hubOwner,
    clock,
    isOrgAdmin,
    // A pull that narrows (or restores) what a partner withdrew is a re-share by the hub itself: audited like any other.
    onReshare: (event) =>
      audit.record({
        actorOrg: event.by.orgId,
        actorUser: null,
        action: 'reshare',
        objectId: event.id,
        subjectOrg: event.after.owner,
        details: { via: 'federation', before: event.before.audience, after: event.after.audience },
      }),
  });
  const accounts = accountsStore(store.database);
  const sharingRepo = sharingRepository(store.database);
  const titles = async (key: AudienceKey): Promise<string | null> => {
    const value = key.slice(key.indexOf(':') + 1);
    switch (audienceKind(key)) {
      case 'org': {
        const org = orgIdOfKey(key);
        return org === null ? null : ((await accounts.getOrganization(org))?.name ?? null);
      }
      case 'group': {
        const group = groupIdOfKey(key);
        return group === null ? null : ((await sharingRepo.group(group))?.name ?? null);
      }
      case 'state':
        return (await accounts.listOrganizations({ stateFips: value })).find((o) => o.kind === 'state' || o.kind === 'territory')?.name ?? null;
      case 'public':
      case 'community':
      case 'user':
        return null;
    }
  };
  const electionDeps = {
    stix: store.stix,
    sharing,
    clock,
    orgInfo,
    orgName: cachedNames(async (id: OrgId) => (await accounts.getOrganization(id))?.name ?? null),
    hubOwner,
    elections: electionStatusStore(store.database),
    jurisdictions: jurisdictionsFrom(accounts, clock),
    rollups: rollupCache(),
    isOrgAdmin,
    isHubAdmin: async (principal: Principal) => (await auth.userOf(principal))?.role === 'hub-admin',
    audit,
  };
  const notifyStore = notificationsStore(store.database);
  const directory = accountsDirectory(accounts);
  // Secrets at rest (webhook secrets, signing keys) are sealed with the server key; without one (tests), with a key of this process only.
  const box = options.secretBox ?? makeSecretBox(randomBytes(32));
  const notifications = createNotificationService({ store: notifyStore, directory, clock, secretBox: box });
  const notifyLog = options.notifications?.log ?? options.logger ?? quietLog;
  const supportRepo = supportRepository(store.database);
  const notifier = createNotifier({
    stix: store.stix,
    store: notifyStore,
    directory,
    keysOf: (orgId, userId) => sharing.keysOf(orgId, userId),
    keysOfKnown: (orgs) => sharing.keysOfKnown(orgs),
    mailer: options.notifications?.mailer ?? logMailer(notifyLog),
    clock,
    secretBox: box,
    log: notifyLog,
    // One process holds a SQLite file: deliveries a killed process had leased are free at once when it starts again.
    soleProcess: store.dialect === 'sqlite',
    supportRequest: (orgId, id) => supportRepo.requestFor(orgId, id),
    supportMessages: (id) => supportRepo.messages(id),
    ...options.notifications,
  });
  const keyDeps = {
    repo: statementRepository(store.database),
    secretBox: box,
    clock,
    hubOwner,
    orgName: electionDeps.orgName,
  };
  const transparencyDeps = { repo: transparencyRepository(store.database), clock, hubOwner, hubKey: () => signingKeyOf(keyDeps, hubOwner) };
  const rumourDeps: RumourDeps = { stix: store.stix, sharing, clock, audit, hubOwner, orgName: electionDeps.orgName };
  const statementDeps: StatementDeps = { ...keyDeps, stix: store.stix, sharing, audit, orgExists: async (id) => (await accounts.getOrganization(id)) !== null };
  // The warm start's one-time credentials answered before the real API keys, until it is over (warm-start.ts).
  const warmUp = warmCredentials(auth);
  const app = await buildApp({
    store,
    auth: warmUp.port,
    clock,
    config: { hubOwner, ...options.http },
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    plugins: [
      ...restPlugins({ stix: store.stix, sharing, clock, audit, orgName: electionDeps.orgName, ...(options.http?.importLimit === undefined ? {} : { importLimit: options.http.importLimit }) }),
      accountRoutes(auth),
      sharingRoutes({ sharing, isOrgAdmin }),
      auditRoutes({ audit, isOrgAdmin }),
      taxiiPlugin({ stix: store.stix, taxii: taxiiStore(store.database.db), sharing, hubOwner, clock, isOrgAdmin, titles, audit, ...(options.taxiiSecret === undefined ? {} : { secret: options.taxiiSecret }) }),
      matchPlugin({ stix: store.stix, sharing, clock, sightingCounts: (reader, id) => sharing.sightingAggregate(reader, id), ...(options.http?.matchLimit === undefined ? {} : { uploadLimit: options.http.matchLimit }) }),
      federationPlugin(fed.routes),
      mispPlugin({ stix: store.stix, clock, audit, hubOwner }),
      incidentRoutes({
        stix: store.stix,
        sharing,
        clock,
        audit,
        members: async (orgId) => (await accounts.listUsers(orgId)).filter((u) => u.disabled_at === null).map((u) => ({ id: u.id, name: u.name })),
        keysOf: (orgId) => sharing.keysOf(orgId, null),
        orgName: async (id) => (await accounts.getOrganization(id))?.name ?? null,
      }),
      supportRoutes({
        repo: supportRepo,
        clock,
        orgKind: async (id) => (await accounts.getOrganization(id))?.kind ?? null,
        announce: (requestId, orgs) => bus.publish({ kind: 'support', request_id: requestId, orgs: [...orgs] }),
        statusChanged: (event) => notifier.support({ kind: 'status', ...event }),
        messagePosted: (event) => notifier.support({ kind: 'message', ...event }),
        orgName: async (id) => (await accounts.getOrganization(id))?.name ?? null,
        incident: (reader, id) => incidentTitle(store.stix, reader, id),
      }),
      liveRoutes({ stix: store.stix, bus, clock, ownerName: cachedNames(async (id) => (await accounts.getOrganization(id))?.name ?? null), ...options.live }),
      notificationRoutes({ notifications, isOrgAdmin }),
      savedSearchRoutes({ repo: savedSearchRepository(store.database), clock }),
      electionRoutes(electionDeps),
      statusRoutes(electionDeps),
      rumourRoutes({ ...rumourDeps, onChange: (listener) => bus.subscribe(() => listener()) }),
      statementRoutes({ ...statementDeps, isOrgAdmin, onChange: (listener) => bus.subscribe(() => listener()) }),
      transparencyRoutes({
        ...transparencyDeps,
        stix: store.stix,
        org: (id) => accounts.getOrganization(id),
        keysOf: (orgId, userId) => sharing.keysOf(orgId, userId),
        platforms: async () => (await accounts.listOrganizations()).filter((o) => o.kind === 'private' && o.partner_type === 'platform').map((o) => ({ id: o.id, name: o.name })),
      }),
    ],
  });
  const stopCheckpoints = (options.transparencyCheckpointMs ?? 600_000) > 0 ? startCheckpoints(transparencyDeps, options.transparencyCheckpointMs ?? 600_000, (error) => notifyLog.error({ err: error }, 'transparency checkpoint failed')) : () => undefined;
  // The process that stored or re-shared matches at once; the others would only find the lease held or nothing new
  // (a lease write, or a whole empty pass, per change in every process). Their 2 s poll still finds anything left.
  changedHere = (change) => {
    if (change.kind === 'stored' || change.kind === 'reshared') notifier.changed(change);
  };
  const unsubscribe = () => {
    changedHere = () => undefined;
  };
  app.addHook('onClose', async () => {
    stopCheckpoints();
    unsubscribe();
    await notifier.stop();
    // The API keys' last uses still waiting, written while the store is open.
    await auth.settled();
    await bus.close();
  });
  const offices = async (): Promise<Principal[]> => {
    const orgs = await accounts.listOrganizations({ kinds: ['state', 'territory', 'federal'] });
    return Promise.all(orgs.map(async (o): Promise<Principal> => ({ orgId: o.id, userId: null, keys: await sharing.keysOf(o.id, null), scope: 'read' })));
  };
  const warm = () =>
    warmStart({
      app,
      stix: store.stix,
      credentials: warmUp,
      offices,
      underWay: async () => {
        const elections = await listElections(electionDeps, { kind: 'operator' });
        return elections.ok ? elections.value.filter((e) => e.phase !== null).map((e) => ({ id: e.id, stateFips: e.state_fips })) : [];
      },
      warmRollups: async () => warmRollups(electionDeps, (await offices()).map((p): Reader => ({ kind: 'member', orgId: p.orgId, userId: null, keys: p.keys }))),
      connections: store.dialect === 'postgres' ? 10 : 1,
    });
  return { app, auth, sharing, audit, federation: fed, bus, notifier, notifications, publishing: { rumours: rumourDeps, statements: statementDeps, transparency: transparencyDeps, keysOf: (orgId, userId) => sharing.keysOf(orgId, userId) }, warmStart: warm };
}
