import type { SecretBox } from '../auth/secret-box.ts';
import { sealStoredTotpSecrets } from '../auth/totp-secrets.ts';
import type { Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { KnowledgeBaseProgress } from '../kb/knowledge-base.ts';
import { sealStoredWebhookSecrets } from '../notifications/webhook-secrets.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { notificationsStore } from '../store/notifications.ts';
import { composeHub, type Hub, type HubOptions } from './compose.ts';
import { prepareHub, type Prepared } from './first-start.ts';

export interface OpenHubOptions extends Omit<HubOptions, 'store' | 'secretBox'> {
  /** The database: a SQLite file, `:memory:` or a postgres:// URL. */
  readonly url: string;
  /** PostgreSQL: every pooled connection opened before the server listens, and kept while idle (OpenDatabaseOptions). */
  readonly keepConnections?: boolean;
  /** Seals TOTP and webhook secrets at rest; plain-text secrets left by older versions are sealed under it at start. */
  readonly secretBox: SecretBox;
  /** Add the fictional demo people, their passwords kept in this file. */
  readonly demo?: { readonly credentialsFile: string };
  readonly onKnowledgeBase?: (progress: KnowledgeBaseProgress) => void;
  /** What an operator should read at start (TOTP secrets sealed or unreadable). */
  readonly notice: (line: string) => void;
}

export interface OpenedHub {
  readonly hub: Hub;
  readonly store: RampartStore;
  readonly prepared: Prepared;
}

/**
 * Everything `rampart serve` runs, ready to listen: the store opened, every feature composed over it
 * (composeHub), stored TOTP secrets sealed, the seed organizations, knowledge base and demo in place.
 * On a problem nothing stays open.
 */
export async function openHub(options: OpenHubOptions): Promise<Result<OpenedHub, Problem>> {
  const { url, keepConnections, demo, onKnowledgeBase, notice, ...hubOptions } = options;
  const store = await openStore({ url, keepConnections: keepConnections === true });
  const hub = await composeHub({ ...hubOptions, store });
  if (hub.auth.context.secrets !== options.secretBox) throw new Error('the auth service did not receive the server key; TOTP secrets would be sealed under a key lost at the next start');
  const totp = await sealStoredTotpSecrets(hub.auth.context.accounts, options.secretBox);
  if (totp.sealed > 0) notice(`sealed ${totp.sealed} TOTP secrets that were stored in plain text`);
  if (totp.unreadable.length > 0) {
    const emails = totp.unreadable.map((u) => u.email).join(', ');
    notice(`warning: ${totp.unreadable.length} people have a TOTP secret this key cannot read; they cannot sign in until you restart with the key it was sealed under, or run "rampart user reset-totp <email>" for each: ${emails}`);
  }
  const hooks = await sealStoredWebhookSecrets(notificationsStore(store.database), options.secretBox);
  if (hooks.sealed > 0) notice(`sealed ${hooks.sealed} webhook secrets that were stored in plain text`);
  if (hooks.unreadable.length > 0) {
    notice(`warning: ${hooks.unreadable.length} webhooks have a secret this key cannot read; their deliveries fail until you restart with the key it was sealed under, or their org-admins remove and add them again: ${hooks.unreadable.map((h) => h.webhookId).join(', ')}`);
  }
  const prepared = await prepareHub(store, {
    hubOwner: options.hubOwner,
    ...(onKnowledgeBase === undefined ? {} : { onKnowledgeBase }),
    ...(demo === undefined ? {} : { demo: { accounts: hub.auth.context, credentialsFile: demo.credentialsFile, publishing: hub.publishing } }),
  });
  if (!prepared.ok) {
    await hub.app.close();
    await store.close();
    return err(prepared.error);
  }
  return ok({ hub, store, prepared: prepared.value });
}
