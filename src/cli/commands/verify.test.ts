import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../test/helpers/cli.ts';
import { RAMPART_EXTENSION_ID } from '../../stix/rampart-extension.ts';
import { newKeyPair, signStatement, type KeySet } from '../../statements/signing.ts';
import { verifyCommand } from './verify.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-verify-'));
const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33';
const ORG = 'identity--00000000-0000-4000-8000-0000000000c1';
const entry = (org: string) => {
  const pair = newKeyPair();
  return { pair, key: { orgRef: org, keyId: pair.keyId, privateKey: createPrivateKey(pair.privatePem) }, entry: { key_id: pair.keyId, org_ref: org, org_name: null, algorithm: 'Ed25519' as const, public_key: pair.publicKey, status: 'active' as const, created: '2026-12-01T00:00:00Z', retired_at: null, revoked_at: null, revoked_reason: null } };
};
const hub = entry(HUB);
const cisa = entry(ORG);
const keys: KeySet = { hub: HUB, canonicalization: 'RFC 8785', keys: [hub.entry, cisa.entry] };
const content = { id: 'report--00000000-0000-4000-8000-0000000000aa', title: 'Joint statement', text: 'Votes will be counted.', published: '2026-11-02T12:00:00.000Z', signers: [{ org_ref: ORG, name: 'CISA' }] };
const report = { type: 'report', spec_version: '2.1', id: content.id, created: content.published, modified: content.published, name: content.title, description: content.text, published: content.published, report_types: ['joint-statement'], object_refs: [ORG], extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', joint_statement: signStatement(content, [cisa.key], hub.key) } } };

const file = (name: string, value: unknown): string => {
  const p = path.join(dir, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
};
const keyFile = file('keys.json', keys);

describe('rampart verify', () => {
  it('exits 0 and names each signer for an untouched statement, alone or in a bundle', async () => {
    const r = await runCommand(verifyCommand(), [file('ok.json', report), '--keys', keyFile]);
    expect(r.exit).toBe(0);
    expect(r.out).toContain('  CISA (identity--00000000-0000-4000-8000-0000000000c1): valid signature');
    expect(r.out).toContain('VALID: every signer and the hub signed exactly this statement');
    expect((await runCommand(verifyCommand(), [file('bundle.json', { type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000001', objects: [report] }), '--keys', keyFile])).exit).toBe(0);
  });

  it('exits 1 and says what changed for a tampered statement', async () => {
    const r = await runCommand(verifyCommand(), [file('bad.json', { ...report, description: 'Votes will not be counted.' }), '--keys', keyFile]);
    expect(r.exit).toBe(1);
    expect(r.out).toContain('changed since it was signed: text');
    expect(r.out).toMatch(/NOT VALID\n$/);
  });

  it('exits 1 for a revoked key', async () => {
    const revoked = file('revoked.json', { ...keys, keys: [hub.entry, { ...cisa.entry, status: 'revoked', revoked_at: '2026-12-03T00:00:00Z', revoked_reason: 'lost' }] });
    const r = await runCommand(verifyCommand(), [file('ok2.json', report), '--keys', revoked]);
    expect(r.exit).toBe(1);
    expect(r.out).toContain('INVALID: signed with a key its organization revoked');
  });

  it('exits 2 without a usable key set or statement', async () => {
    expect((await runCommand(verifyCommand(), [file('ok3.json', report)])).exit).toBe(2);
    expect((await runCommand(verifyCommand(), [file('ok4.json', report), '--keys', file('notkeys.json', { keys: 1 })])).err).toContain('is not a Rampart key set');
    expect((await runCommand(verifyCommand(), [path.join(dir, 'missing.json'), '--keys', keyFile])).exit).toBe(2);
  });
});
