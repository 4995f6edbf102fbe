import type { SecretBox } from '../auth/secret-box.ts';
import { isSealed } from '../auth/secret-box.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { NotificationsStore } from '../store/notifications.ts';

// The webhook's id is sealed with its secret: a sealed value copied into another webhook's row does not open there.
const contextOf = (webhookId: string): string => `webhook:${webhookId}`;

const PLAIN = /^whsec_[A-Za-z0-9_-]{43}$/;

/** A webhook's signing secret as stored: sealed under the server key, as TOTP secrets and signing keys are. */
export function sealWebhookSecret(box: SecretBox, webhookId: string, secret: string): string {
  return box.seal(secret, contextOf(webhookId));
}

export interface OpenedSecret {
  readonly secret: string;
  /** True when the stored value was plain text (written before webhook secrets were sealed). */
  readonly plain: boolean;
}

/** The signing secret a stored value holds, or why this server cannot read it. */
export function openWebhookSecret(box: SecretBox, webhookId: string, stored: string): Result<OpenedSecret, Problem> {
  if (!isSealed(stored)) {
    if (PLAIN.test(stored)) return ok({ secret: stored, plain: true });
    return err(problem('invalid', 'secret-malformed', 'The stored webhook secret is neither sealed nor a whsec_ secret; the database was edited by hand or damaged. Remove the webhook and add it again.'));
  }
  const opened = box.open(stored, contextOf(webhookId));
  return opened.ok ? ok({ secret: opened.value, plain: false }) : opened;
}

export interface WebhookSealReport {
  /** Plain-text secrets sealed by this run. */
  readonly sealed: number;
  /** Webhooks whose secret this server's key cannot open: their deliveries fail until it is restarted with the right key or they are added again. */
  readonly unreadable: readonly { readonly webhookId: string; readonly orgId: string; readonly problem: Problem }[];
}

/**
 * Seals every webhook secret still stored in plain text (written before secrets were sealed) and lists those
 * this server's key cannot open. Safe to repeat: a sealed value is left alone, a value changed meanwhile is not overwritten.
 */
export async function sealStoredWebhookSecrets(store: Pick<NotificationsStore, 'webhooks' | 'replaceWebhookSecret'>, box: SecretBox): Promise<WebhookSealReport> {
  let sealed = 0;
  const unreadable: { webhookId: string; orgId: string; problem: Problem }[] = [];
  for (const hook of await store.webhooks()) {
    const opened = openWebhookSecret(box, hook.id, hook.secret);
    if (!opened.ok) {
      unreadable.push({ webhookId: hook.id, orgId: hook.org_id, problem: opened.error });
      continue;
    }
    if (opened.value.plain && (await store.replaceWebhookSecret(hook.id, hook.secret, sealWebhookSecret(box, hook.id, opened.value.secret)))) sealed++;
  }
  return { sealed, unreadable };
}
