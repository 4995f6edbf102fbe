import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSealed, secretBox } from '../auth/secret-box.ts';
import type { OrgId } from '../domain/ids.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { notificationsStore } from '../store/notifications.ts';
import { newWebhookSecret } from './webhook.ts';
import { openWebhookSecret, sealStoredWebhookSecrets, sealWebhookSecret } from './webhook-secrets.ts';

const ORG = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;

describe('webhook secrets at rest', () => {
  const box = secretBox(randomBytes(32));
  let store: RampartStore;
  beforeEach(async () => {
    store = await openStore({ url: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('opens a sealed secret only in its own webhook and under the key it was sealed with', () => {
    const secret = newWebhookSecret();
    const sealed = sealWebhookSecret(box, 'hook-1', secret);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain(secret.slice(6));
    expect(openWebhookSecret(box, 'hook-1', sealed)).toEqual({ ok: true, value: { secret, plain: false } });
    const copied = openWebhookSecret(box, 'hook-2', sealed);
    expect(copied.ok ? null : copied.error.code).toBe('secret-tampered');
    const otherKey = openWebhookSecret(secretBox(randomBytes(32)), 'hook-1', sealed);
    expect(otherKey.ok ? null : otherKey.error.code).toBe('secret-key-mismatch');
    const junk = openWebhookSecret(box, 'hook-1', 'not a secret');
    expect(junk.ok ? null : junk.error.code).toBe('secret-malformed');
  });

  it('seals at start the secrets older versions stored in plain text, once, and names those this key cannot open', async () => {
    const notify = notificationsStore(store.database);
    const plain = newWebhookSecret();
    const row = { org_id: ORG, url: 'https://soc.example.gov/hook', enabled: 1, failures: 0, disabled_reason: null, created_at: 0 };
    const old = randomUUID();
    const foreign = randomUUID();
    await notify.insertWebhook({ ...row, id: old, secret: plain });
    await notify.insertWebhook({ ...row, id: foreign, secret: sealWebhookSecret(secretBox(randomBytes(32)), foreign, newWebhookSecret()) });
    const first = await sealStoredWebhookSecrets(notify, box);
    expect(first.sealed).toBe(1);
    expect(first.unreadable.map((u) => [u.webhookId, u.problem.code])).toEqual([[foreign, 'secret-key-mismatch']]);
    const stored = (await notify.webhook(old))?.secret ?? '';
    expect(isSealed(stored)).toBe(true);
    expect(openWebhookSecret(box, old, stored)).toEqual({ ok: true, value: { secret: plain, plain: false } });
    expect((await sealStoredWebhookSecrets(notify, box)).sealed).toBe(0);
  });
});
