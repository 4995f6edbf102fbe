import type { OrgId, UserId } from '../domain/ids.ts';
import type { Tlp } from '../domain/tlp.ts';
import type { Sharing, StoredVersion } from '../store/types.ts';
import type { AuditAppend } from '../store/audit-store.ts';
import type { AuditDrafting, AuditPort, AuditRecord } from './audit-log.ts';

export interface AuditActor {
  readonly orgId: OrgId;
  readonly userId: UserId | null;
}

/** Levels whose reads are audited: TLP:AMBER and above. */
const AUDITED_READS: ReadonlySet<Tlp> = new Set<Tlp>(['amber', 'amber+strict', 'red']);

/**
 * Records the reads of TLP:AMBER-or-above objects in one answer: one entry per owner (so each owner's
 * trail shows it), naming the objects read. `via` says which path served them (e.g. 'GET /api/v1/objects').
 */
export async function auditReads(audit: AuditPort | undefined, actor: AuditActor, versions: readonly StoredVersion[], via: string): Promise<void> {
  if (audit === undefined) return;
  const byOwner = new Map<OrgId, { id: string; tlp: Tlp }[]>();
  for (const v of versions) {
    if (!AUDITED_READS.has(v.sharing.tlp)) continue;
    const list = byOwner.get(v.sharing.owner) ?? [];
    if (!list.some((o) => o.id === v.id)) list.push({ id: v.id, tlp: v.sharing.tlp });
    byOwner.set(v.sharing.owner, list);
  }
  // One append for the whole answer: a page of 200 reports from 200 counties held the chain's head 200 times.
  await audit.recordAll(
    [...byOwner].map(([owner, objects]) => {
      const single = objects.length === 1 ? objects[0] : undefined;
      return {
        actorOrg: actor.orgId,
        actorUser: actor.userId,
        action: 'read' as const,
        objectId: single?.id ?? null,
        subjectOrg: owner,
        details: single === undefined ? { via, objects } : { via, tlp: single.tlp },
      };
    }),
  );
}

/** Records a publication: a new object is a share, a newer version a version; an unchanged re-post nothing. */
export async function auditWrite(audit: AuditPort | undefined, actor: AuditActor, outcome: 'added' | 'new-version' | 'unchanged' | 'revoked', id: string, sharing: Sharing): Promise<void> {
  if (audit === undefined || outcome === 'unchanged') return;
  await audit.record(writeRecord(actor, outcome, id, sharing));
}

/**
 * auditWrite's entry, for the store to append with the write itself (IncomingObject.audit): the version and its entry
 * commit together, in one statement for a status report (one commit a post instead of two).
 */
export function writeAudit(audit: AuditDrafting, actor: AuditActor, id: string, sharing: Sharing): (outcome: 'added' | 'new-version') => AuditAppend {
  return (outcome) => audit.draft([writeRecord(actor, outcome, id, sharing)]);
}

function writeRecord(actor: AuditActor, outcome: 'added' | 'new-version' | 'revoked', id: string, sharing: Sharing): AuditRecord {
  const action = outcome === 'added' ? 'share' : outcome === 'revoked' ? 'revoke' : 'version';
  return { actorOrg: actor.orgId, actorUser: actor.userId, action, objectId: id, subjectOrg: sharing.owner, details: { tlp: sharing.tlp, audience: sharing.audience } };
}
