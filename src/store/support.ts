import type { Kysely } from 'kysely';
import type { OrgId, StixId, UserId } from '../domain/ids.ts';
import { SUPPORT_SERVICES, SUPPORT_STATUSES, type SupportService, type SupportStatus } from '../domain/support.ts';
import type { Database } from './db.ts';

// A type alias, not an interface: Kysely.withTables needs an index-signature-compatible shape.
/** The tables of migration 0019-support. */
export type SupportTables = {
  support_offering: { provider_org: string; service: string; description: string; active: number; updated_at: number };
  support_request: {
    id: string;
    requester_org: string;
    provider_org: string;
    service: string;
    title: string;
    details: string;
    status: string;
    scheduled_for: string | null;
    created_by: string | null;
    created_at: number;
    updated_at: number;
    /** (0032) 1 when the requester says the request is urgent. */
    urgent: number;
    /** (0049) the incident the request is about, when it was asked from one. */
    incident_id: string | null;
  };
  support_party: { request_id: string; org_id: string; added_at: number };
  support_message: { id: string; request_id: string; author_org: string; author_user: string | null; body: string; at: number };
};

/** A service a provider publishes in its catalogue. */
export interface Offering {
  readonly providerOrg: OrgId;
  readonly service: SupportService;
  readonly description: string;
  readonly active: boolean;
  readonly updatedAt: number;
}

export interface SupportRequest {
  readonly id: string;
  readonly requesterOrg: OrgId;
  readonly providerOrg: OrgId;
  readonly service: SupportService;
  readonly title: string;
  readonly details: string;
  /** The requester says it is urgent: its contacts are emailed at once and escalated to if nobody acknowledges. */
  readonly urgent: boolean;
  readonly status: SupportStatus;
  readonly scheduledFor: string | null;
  readonly createdBy: UserId | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Organizations the requester added; they may read and write messages. */
  readonly parties: readonly OrgId[];
  /** The incident it is about (its STIX id), when it was asked from one; shown only to readers who may see that incident. */
  readonly incidentId: StixId | null;
}

export interface SupportMessage {
  readonly id: string;
  readonly requestId: string;
  readonly authorOrg: OrgId;
  readonly authorUser: UserId | null;
  readonly body: string;
  readonly at: number;
}

export interface SupportRepository {
  putOffering(offering: Offering): Promise<void>;
  offerings(filter: { readonly providerOrg?: OrgId; readonly activeOnly: boolean }): Promise<Offering[]>;
  /** `incidentId` left out: a request about no incident. */
  addRequest(request: Omit<SupportRequest, 'parties' | 'incidentId'> & { readonly incidentId?: StixId | null }): Promise<void>;
  /** The request when `orgId` is its requester, its provider or a party the requester added; null otherwise (the rule is in the query). */
  requestFor(orgId: OrgId, id: string): Promise<SupportRequest | null>;
  /** The requests `orgId` may see, most recently changed first; only those about `incidentId` when it is given. */
  requestsFor(orgId: OrgId, limit: number, incidentId?: StixId): Promise<SupportRequest[]>;
  setStatus(id: string, status: SupportStatus, scheduledFor: string | null, at: number): Promise<void>;
  /** False when the organization was already a party. */
  addParty(id: string, orgId: OrgId, at: number): Promise<boolean>;
  addMessage(message: SupportMessage): Promise<void>;
  messages(requestId: string): Promise<SupportMessage[]>;
}

const asService = (s: string): SupportService => SUPPORT_SERVICES.find((x) => x === s) ?? 'threat-briefing';
const asStatus = (s: string): SupportStatus => SUPPORT_STATUSES.find((x) => x === s) ?? 'requested';

export function supportRepository(database: Database<unknown>): SupportRepository {
  const db: Kysely<SupportTables> = database.db.withTables<SupportTables>();
  const partiesOf = async (ids: readonly string[]): Promise<Map<string, OrgId[]>> => {
    const out = new Map<string, OrgId[]>();
    if (ids.length === 0) return out;
    const rows = await db.selectFrom('support_party').select(['request_id', 'org_id']).where('request_id', 'in', ids).orderBy('added_at').execute();
    for (const r of rows) out.set(r.request_id, [...(out.get(r.request_id) ?? []), r.org_id as OrgId]);
    return out;
  };
  const visibleTo = (orgId: OrgId) =>
    db
      .selectFrom('support_request as r')
      .selectAll('r')
      .where((eb) => eb.or([eb('r.requester_org', '=', orgId), eb('r.provider_org', '=', orgId), eb.exists(eb.selectFrom('support_party as p').select('p.org_id').whereRef('p.request_id', '=', 'r.id').where('p.org_id', '=', orgId))]));
  const toRequest = (r: SupportTables['support_request'], parties: readonly OrgId[]): SupportRequest => ({
    id: r.id,
    requesterOrg: r.requester_org as OrgId,
    providerOrg: r.provider_org as OrgId,
    service: asService(r.service),
    title: r.title,
    details: r.details,
    urgent: Number(r.urgent) === 1,
    status: asStatus(r.status),
    scheduledFor: r.scheduled_for,
    createdBy: r.created_by as UserId | null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    parties,
    incidentId: r.incident_id as StixId | null,
  });
  return {
    async putOffering(o) {
      const values = { provider_org: o.providerOrg, service: o.service, description: o.description, active: o.active ? 1 : 0, updated_at: o.updatedAt };
      await db
        .insertInto('support_offering')
        .values(values)
        .onConflict((oc) => oc.columns(['provider_org', 'service']).doUpdateSet({ description: values.description, active: values.active, updated_at: values.updated_at }))
        .execute();
    },
    async offerings(filter) {
      let q = db.selectFrom('support_offering').selectAll();
      if (filter.providerOrg !== undefined) q = q.where('provider_org', '=', filter.providerOrg);
      if (filter.activeOnly) q = q.where('active', '=', 1);
      const rows = await q.orderBy('provider_org').orderBy('service').execute();
      return rows.map((r) => ({ providerOrg: r.provider_org as OrgId, service: asService(r.service), description: r.description, active: Number(r.active) === 1, updatedAt: Number(r.updated_at) }));
    },
    async addRequest(r) {
      await db
        .insertInto('support_request')
        .values({
          id: r.id,
          requester_org: r.requesterOrg,
          provider_org: r.providerOrg,
          service: r.service,
          title: r.title,
          details: r.details,
          urgent: r.urgent ? 1 : 0,
          status: r.status,
          scheduled_for: r.scheduledFor,
          created_by: r.createdBy,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          incident_id: r.incidentId ?? null,
        })
        .execute();
    },
    async requestFor(orgId, id) {
      const row = await visibleTo(orgId).where('r.id', '=', id).executeTakeFirst();
      if (row === undefined) return null;
      return toRequest(row, (await partiesOf([id])).get(id) ?? []);
    },
    async requestsFor(orgId, limit, incidentId) {
      const visible = visibleTo(orgId);
      const rows = await (incidentId === undefined ? visible : visible.where('r.incident_id', '=', incidentId)).orderBy('r.updated_at', 'desc').limit(limit).execute();
      const parties = await partiesOf(rows.map((r) => r.id));
      return rows.map((r) => toRequest(r, parties.get(r.id) ?? []));
    },
    async setStatus(id, status, scheduledFor, at) {
      await db.updateTable('support_request').set({ status, scheduled_for: scheduledFor, updated_at: at }).where('id', '=', id).execute();
    },
    async addParty(id, orgId, at) {
      const result = await db.insertInto('support_party').values({ request_id: id, org_id: orgId, added_at: at }).onConflict((oc) => oc.columns(['request_id', 'org_id']).doNothing()).executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await db.updateTable('support_request').set({ updated_at: at }).where('id', '=', id).execute();
      return true;
    },
    async addMessage(m) {
      await db.insertInto('support_message').values({ id: m.id, request_id: m.requestId, author_org: m.authorOrg, author_user: m.authorUser, body: m.body, at: m.at }).execute();
      await db.updateTable('support_request').set({ updated_at: m.at }).where('id', '=', m.requestId).execute();
    },
    async messages(requestId) {
      const rows = await db.selectFrom('support_message').selectAll().where('request_id', '=', requestId).orderBy('at').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, requestId: r.request_id, authorOrg: r.author_org as OrgId, authorUser: r.author_user as UserId | null, body: r.body, at: Number(r.at) }));
    },
  };
}
