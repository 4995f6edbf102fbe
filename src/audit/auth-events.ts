import { Value } from '@sinclair/typebox/value';
import type { AuthEvent, AuthEventType } from '../accounts/context.ts';
import type { AuditPort } from './audit-log.ts';
import { AuditActionSchema, type AuditAction } from './entry.ts';

/** Account events whose audit action has another name; the rest keep theirs. */
const RENAMED: Partial<Record<AuthEventType, AuditAction>> = {
  'sign-in-ok': 'sign-in',
  'api-key-created': 'key-created',
  'api-key-revoked': 'key-revoked',
};

// A kind of account event added later still reaches the log, as account-changed with its type in details.
function actionOf(type: AuthEventType): AuditAction {
  const renamed = RENAMED[type];
  if (renamed !== undefined) return renamed;
  return Value.Check(AuditActionSchema, type) ? type : 'account-changed';
}

/** The accounts feature's `onEvent`: every sign-in, key and account change goes into the audit log. */
export function auditAuthEvents(audit: AuditPort): (event: AuthEvent) => Promise<void> {
  return (event) =>
    audit.record({
      actorOrg: event.orgId,
      actorUser: event.actor,
      action: actionOf(event.type),
      subjectOrg: event.orgId,
      details: { event: event.type, user: event.userId, ip: event.ip, detail: event.detail, event_at: event.at.toISOString() },
    });
}
