import type { AuthEvent, AuthEventType } from '../accounts/context.ts';
import { assertNever } from '../domain/assert-never.ts';
import type { AuditPort } from './audit-log.ts';
import type { AuditAction } from './entry.ts';

function actionOf(type: AuthEventType): AuditAction {
  switch (type) {
    case 'sign-in-ok':
      return 'sign-in';
    case 'api-key-created':
      return 'key-created';
    case 'api-key-revoked':
      return 'key-revoked';
    case 'sign-in-failed':
    case 'sign-in-locked':
    case 'sign-out':
    case 'user-created':
    case 'user-disabled':
    case 'totp-enabled':
    case 'org-created':
    case 'org-settings-changed':
      return type;
    default:
      return assertNever(type);
  }
}

/** The accounts feature's `onEvent`: every sign-in, key and account change goes into the audit log. */
export function auditAuthEvents(audit: AuditPort): (event: AuthEvent) => Promise<void> {
  return (event) =>
    audit.record({
      actorOrg: event.orgId,
      actorUser: event.actor,
      action: actionOf(event.type),
      subjectOrg: event.orgId,
      details: { user: event.userId, ip: event.ip, detail: event.detail, event_at: event.at.toISOString() },
    });
}
