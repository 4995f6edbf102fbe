import { createPrivateKey } from 'node:crypto';
import type { SecretBox } from '../auth/secret-box.ts';
import type { Clock } from '../domain/clock.ts';
import { parseOrgId, type OrgId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import type { SigningKeyRow, StatementRepository } from '../store/statements.ts';
import { CANONICALIZATION, newKeyPair, type KeySet, type SigningKey } from './signing.ts';

export interface KeyDeps {
  readonly repo: StatementRepository;
  readonly secretBox: SecretBox;
  readonly clock: Clock;
  readonly hubOwner: OrgId;
  readonly orgName: (id: OrgId) => Promise<string | null>;
}

const context = (keyId: string): string => `signing-key:${keyId}`;

/** Generates, seals and stores a new active key for `orgId`, retiring its previous one. */
export async function rotateKey(deps: KeyDeps, orgId: OrgId): Promise<SigningKeyRow> {
  const pair = newKeyPair();
  const row: SigningKeyRow = { key_id: pair.keyId, org_id: orgId, public_key: pair.publicKey, sealed_private: deps.secretBox.seal(pair.privatePem, context(pair.keyId)), status: 'active', created_at: deps.clock.now().getTime(), retired_at: null, revoked_at: null, revoked_reason: null };
  await deps.repo.addKey(row);
  return row;
}

/** The organization's active signing key, made by the hub the first time it is needed. */
export async function signingKeyOf(deps: KeyDeps, orgId: OrgId): Promise<Result<SigningKey, Problem>> {
  const row = (await deps.repo.activeKey(orgId)) ?? (await rotateKey(deps, orgId));
  const pem = deps.secretBox.open(row.sealed_private, context(row.key_id));
  if (!pem.ok) return pem;
  return ok({ keyId: row.key_id, privateKey: createPrivateKey(pem.value) });
}

/** Revokes one of the organization's own keys; statements it signed no longer verify, and a new key is made at the next signature. */
export async function revokeKey(deps: KeyDeps, orgId: OrgId, keyId: string, reason: string): Promise<Result<null, Problem>> {
  const row = await deps.repo.key(keyId);
  if (row === null || row.org_id !== orgId) return err(problem('not-found', 'not-found', `Your organization has no signing key ${keyId}; the key set at /.well-known/rampart-keys.json lists them`));
  if (row.status === 'revoked') return err(problem('conflict', 'already-revoked', `Key ${keyId} is already revoked`));
  await deps.repo.revokeKey(keyId, deps.clock.now().getTime(), reason.trim());
  return ok(null);
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The published key set: every key the hub ever made, with its status, the hub's own key made when missing. */
export async function keySet(deps: KeyDeps): Promise<KeySet> {
  if ((await deps.repo.activeKey(deps.hubOwner)) === null) await rotateKey(deps, deps.hubOwner);
  const rows = await deps.repo.keys();
  const names = new Map<string, string | null>();
  for (const r of rows) {
    if (names.has(r.org_id)) continue;
    const org = parseOrgId(r.org_id);
    names.set(r.org_id, r.org_id === deps.hubOwner ? 'Rampart hub' : org.ok ? await deps.orgName(org.value) : null);
  }
  return {
    hub: deps.hubOwner,
    canonicalization: CANONICALIZATION,
    keys: rows.map((r) => ({
      key_id: r.key_id,
      org_ref: r.org_id,
      org_name: names.get(r.org_id) ?? null,
      algorithm: 'Ed25519' as const,
      public_key: r.public_key,
      status: r.status === 'revoked' ? ('revoked' as const) : r.status === 'retired' ? ('retired' as const) : ('active' as const),
      created: new Date(r.created_at).toISOString(),
      retired_at: iso(r.retired_at),
      revoked_at: iso(r.revoked_at),
      revoked_reason: r.revoked_reason,
    })),
  };
}
