import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import { keyIdOf, newKeyPair, signStatement, verifyStatement, type KeySet, type PublicKeyEntry } from './signing.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33';
const CISA = 'identity--00000000-0000-4000-8000-0000000000c1';
const WI = 'identity--00000000-0000-4000-8000-0000000000c2';

function party(org: string, name: string) {
  const pair = newKeyPair();
  const entry: PublicKeyEntry = { key_id: pair.keyId, org_ref: org, org_name: name, algorithm: 'Ed25519', public_key: pair.publicKey, status: 'active', created: '2026-12-01T00:00:00Z', retired_at: null, revoked_at: null, revoked_reason: null };
  return { org, name, entry, key: { orgRef: org, keyId: pair.keyId, privateKey: createPrivateKey(pair.privatePem) } };
}

const hub = party(HUB, 'Rampart hub');
const cisa = party(CISA, 'CISA');
const wi = party(WI, 'Wisconsin Elections Commission');
const keySet: KeySet = { hub: HUB, canonicalization: 'RFC 8785', keys: [hub.entry, cisa.entry, wi.entry] };

function report(signers = [cisa, wi], signing = [cisa, wi]) {
  const content = { id: 'report--00000000-0000-4000-8000-0000000000aa', title: 'Joint statement on election security', text: 'Votes will be counted accurately.', published: '2026-11-02T12:00:00.000Z', signers: signers.map((s) => ({ org_ref: s.org, name: s.name })) };
  const proof = signStatement(content, signing.map((s) => s.key), hub.key);
  return {
    type: 'report', spec_version: '2.1', id: content.id, created: content.published, modified: content.published, name: content.title, description: content.text, published: content.published, report_types: ['joint-statement'], object_refs: [CISA, WI],
    extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', joint_statement: proof } },
  };
}

describe('joint statement signatures', () => {
  it('verifies every signer and the hub on an untouched statement', () => {
    const result = verifyStatement(report(), keySet);
    expect(result).toMatchObject({ ok: true, changed: [], problems: [], hub: { status: 'valid' } });
    expect(result.signers.map((s) => [s.name, s.status])).toEqual([['CISA', 'valid'], ['Wisconsin Elections Commission', 'valid']]);
  });

  it('names the part that was changed: tampered text', () => {
    const tampered = { ...report(), description: 'Votes will not be counted.' };
    const result = verifyStatement(tampered, keySet);
    expect(result.ok).toBe(false);
    expect(result.changed).toEqual(['text']);
    // The signatures still cover what was signed; the text is what no longer matches it.
    expect(result.signers.every((s) => s.status === 'valid')).toBe(true);
  });

  it('catches digests rewritten to match a new text: the signatures fail', () => {
    const r = report();
    const proof = r.extensions[RAMPART_EXTENSION_ID].joint_statement;
    const forged = { ...r, description: 'Changed.', extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', joint_statement: { ...proof, digests: { ...proof.digests, text: 'Vd8zvBeDxj4kwAJ6w9uu1q3QpWTvg0GdaCLFBpZ_Ohk' } } } } };
    const result = verifyStatement(forged, keySet);
    expect(result.ok).toBe(false);
    expect(result.signers.map((s) => s.status)).toEqual(['invalid-signature', 'invalid-signature']);
    expect(result.hub.status).toBe('invalid-signature');
  });

  it('refuses a signature made with the wrong key', () => {
    const impostor = party(WI, 'Wisconsin Elections Commission');
    const r = report([cisa, wi], [cisa, { ...wi, key: { ...impostor.key, keyId: wi.entry.key_id } }]);
    const result = verifyStatement(r, keySet);
    expect(result.signers.map((s) => s.status)).toEqual(['valid', 'invalid-signature']);
    expect(result.ok).toBe(false);
    expect(verifyStatement(report([cisa, wi], [cisa, impostor]), keySet).signers[1]?.status).toBe('unknown-key');
    expect(verifyStatement(report([cisa, wi], [cisa, { ...wi, key: { ...cisa.key, orgRef: WI } }]), keySet).signers[1]?.status).toBe('wrong-organization');
  });

  it('refuses a revoked key, and accepts a retired one for what it signed before', () => {
    const revoked: KeySet = { ...keySet, keys: keySet.keys.map((k) => (k.key_id === wi.entry.key_id ? { ...k, status: 'revoked', revoked_at: '2026-12-03T00:00:00Z', revoked_reason: 'laptop lost' } : k)) };
    expect(verifyStatement(report(), revoked).signers.map((s) => s.status)).toEqual(['valid', 'revoked-key']);
    const retired: KeySet = { ...keySet, keys: keySet.keys.map((k) => (k.key_id === wi.entry.key_id ? { ...k, status: 'retired', retired_at: '2026-12-03T00:00:00Z' } : k)) };
    expect(verifyStatement(report(), retired).ok).toBe(true);
  });

  it('reports a listed signer who did not sign', () => {
    const result = verifyStatement(report([cisa, wi], [cisa]), keySet);
    expect(result.signers.map((s) => [s.name, s.status])).toEqual([['CISA', 'valid'], ['Wisconsin Elections Commission', 'missing']]);
    expect(result.ok).toBe(false);
  });

  it('reports a signer taken off the list as a change of signers', () => {
    const r = report();
    const proof = r.extensions[RAMPART_EXTENSION_ID].joint_statement;
    const fewer = { ...r, extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', joint_statement: { ...proof, signers: proof.signers.slice(0, 1) } } } };
    const result = verifyStatement(fewer, keySet);
    expect(result.changed).toEqual(['signers']);
    expect(result.problems).toEqual([`a signature by ${WI}, who is not a listed signer`]);
  });

  it('says what is wrong with something that is not a signed statement', () => {
    expect(verifyStatement({ type: 'indicator' }, keySet).problems).toEqual(['not a STIX report']);
    expect(verifyStatement({ ...report(), extensions: {} }, keySet).problems).toEqual(['the statement carries no readable signatures (extensions → joint_statement)']);
  });

  it('derives key ids from the public key', () => {
    expect(keyIdOf(cisa.entry.public_key)).toBe(cisa.entry.key_id);
  });
});
