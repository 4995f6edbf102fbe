import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import { canonicalJson } from '../domain/canonical-json.ts';

/** What every signature covers says what it is, so a signature cannot be replayed as another kind of Rampart signature. */
export const SIGNED_PURPOSE = 'rampart-joint-statement-v1';
export const CANONICALIZATION = 'RFC 8785';

const B64URL = '^[A-Za-z0-9_-]+$';
export const PublicKeyEntrySchema = Type.Object({
  key_id: Type.String({ pattern: B64URL }),
  org_ref: Type.String({ pattern: '^identity--' }),
  org_name: Type.Union([Type.String(), Type.Null()]),
  algorithm: Type.Literal('Ed25519'),
  /** The raw 32-byte public key, base64url (the JWK "x" of an OKP Ed25519 key). */
  public_key: Type.String({ pattern: B64URL }),
  status: Type.Union([Type.Literal('active'), Type.Literal('retired'), Type.Literal('revoked')]),
  created: Type.String(),
  retired_at: Type.Union([Type.String(), Type.Null()]),
  revoked_at: Type.Union([Type.String(), Type.Null()]),
  revoked_reason: Type.Union([Type.String(), Type.Null()]),
});
export type PublicKeyEntry = Static<typeof PublicKeyEntrySchema>;

/** GET /.well-known/rampart-keys.json: every signing key the hub ever made, the hub's own first. */
export const KeySetSchema = Type.Object({ hub: Type.String({ pattern: '^identity--' }), canonicalization: Type.Literal(CANONICALIZATION), keys: Type.Array(PublicKeyEntrySchema) });
export type KeySet = Static<typeof KeySetSchema>;
const checkKeySet = TypeCompiler.Compile(KeySetSchema);

export function parseKeySet(value: unknown): KeySet | null {
  return checkKeySet.Check(value) ? value : null;
}

export interface SigningKey {
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

export const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64url');

/** A new Ed25519 key pair: its id (a digest of the public key), the public key as stored and published, the private key as PKCS#8 PEM to seal. */
export function newKeyPair(): { keyId: string; publicKey: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('an Ed25519 public key without x');
  return { keyId: keyIdOf(x), publicKey: x, privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
}

export function keyIdOf(publicKey: string): string {
  return digest(`ed25519:${publicKey}`).slice(0, 22);
}

function publicKeyObject(x: string): KeyObject | null {
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  } catch {
    return null;
  }
}

/** The parts of a joint statement that signatures cover, each by its digest. */
export interface StatementContent {
  readonly id: string;
  readonly title: string;
  readonly text: string;
  readonly published: string;
  readonly signers: readonly { readonly org_ref: string; readonly name: string }[];
}

function digestsOf(content: StatementContent): Record<'title' | 'text' | 'signers' | 'published', string> {
  return { title: digest(content.title), text: digest(content.text), signers: digest(canonicalJson(content.signers)), published: digest(content.published) };
}

/** The bytes each signing organization signs: RFC 8785 canonical JSON of the statement id, its purpose and the digests of its parts. */
export function signedBytes(id: string, digests: Readonly<Record<string, string>>): Buffer {
  return Buffer.from(canonicalJson({ purpose: SIGNED_PURPOSE, statement_id: id, digests }), 'utf8');
}

function hubBytes(id: string, digests: Readonly<Record<string, string>>, signatures: readonly Signature[]): Buffer {
  return Buffer.from(canonicalJson({ purpose: `${SIGNED_PURPOSE}/hub`, statement_id: id, digests, signatures }), 'utf8');
}

export interface Signature {
  readonly org_ref: string;
  readonly key_id: string;
  readonly signature: string;
}

export const JointStatementSchema = Type.Object(
  {
    canonicalization: Type.Literal(CANONICALIZATION),
    signers: Type.Array(Type.Object({ org_ref: Type.String({ pattern: '^identity--' }), name: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 100 }),
    digests: Type.Object({ title: Type.String(), text: Type.String(), signers: Type.String(), published: Type.String() }, { additionalProperties: false }),
    signatures: Type.Array(Type.Object({ org_ref: Type.String(), key_id: Type.String(), signature: Type.String() }, { additionalProperties: false }), { maxItems: 100 }),
    hub_signature: Type.Object({ org_ref: Type.String(), key_id: Type.String(), signature: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type JointStatementProof = Static<typeof JointStatementSchema>;
const checkProof = TypeCompiler.Compile(JointStatementSchema);

/** Signs a statement's content by every signer (in order) and countersigns by the hub: the `joint_statement` extension property. */
export function signStatement(content: StatementContent, signerKeys: readonly (SigningKey & { readonly orgRef: string })[], hub: SigningKey & { readonly orgRef: string }): JointStatementProof {
  const digests = digestsOf(content);
  const bytes = signedBytes(content.id, digests);
  const signatures = signerKeys.map((k) => ({ org_ref: k.orgRef, key_id: k.keyId, signature: sign(null, bytes, k.privateKey).toString('base64url') }));
  const hubSignature = sign(null, hubBytes(content.id, digests, signatures), hub.privateKey).toString('base64url');
  return { canonicalization: CANONICALIZATION, signers: content.signers.map((s) => ({ ...s })), digests, signatures, hub_signature: { org_ref: hub.orgRef, key_id: hub.keyId, signature: hubSignature } };
}

export type SignatureStatus = 'valid' | 'invalid-signature' | 'unknown-key' | 'revoked-key' | 'wrong-organization' | 'missing';

export interface VerifyReport {
  readonly ok: boolean;
  readonly statement_id: string | null;
  readonly title: string | null;
  readonly signers: readonly { readonly org_ref: string; readonly name: string; readonly key_id: string | null; readonly status: SignatureStatus }[];
  readonly hub: { readonly key_id: string | null; readonly status: SignatureStatus };
  /** The parts whose content no longer matches what was signed: title, text, signers, published. */
  readonly changed: readonly string[];
  /** Anything else wrong with the document, in words. */
  readonly problems: readonly string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The proof and content of a joint statement's STIX report, or a reason it is not one. */
export function statementOf(report: unknown): { content: StatementContent; proof: JointStatementProof } | string {
  if (!isRecord(report) || report['type'] !== 'report') return 'not a STIX report';
  const types = report['report_types'];
  if (!Array.isArray(types) || !types.includes('joint-statement')) return 'not a joint statement (report_types has no joint-statement)';
  const ext = isRecord(report['extensions']) ? report['extensions'][RAMPART_EXTENSION_ID] : undefined;
  const proof = isRecord(ext) ? ext['joint_statement'] : undefined;
  if (!checkProof.Check(proof)) return 'the statement carries no readable signatures (extensions → joint_statement)';
  const str = (k: string) => (typeof report[k] === 'string' ? report[k] : '');
  return { content: { id: str('id'), title: str('name'), text: str('description'), published: str('published'), signers: proof.signers }, proof };
}

function checkSignature(bytes: Buffer, sig: { org_ref: string; key_id: string; signature: string }, keys: ReadonlyMap<string, PublicKeyEntry>): SignatureStatus {
  const key = keys.get(sig.key_id);
  if (key === undefined) return 'unknown-key';
  if (key.org_ref !== sig.org_ref) return 'wrong-organization';
  if (key.status === 'revoked') return 'revoked-key';
  const object = publicKeyObject(key.public_key);
  if (object === null) return 'unknown-key';
  let good = false;
  try {
    good = verify(null, bytes, object, Buffer.from(sig.signature, 'base64url'));
  } catch {
    good = false;
  }
  return good ? 'valid' : 'invalid-signature';
}

/**
 * Checks a downloaded joint statement (its STIX report) against a key set, offline: each signer's
 * signature, the hub's countersignature, and which parts changed since signing.
 */
export function verifyStatement(report: unknown, keySet: KeySet): VerifyReport {
  const found = statementOf(report);
  if (typeof found === 'string') return { ok: false, statement_id: null, title: null, signers: [], hub: { key_id: null, status: 'missing' }, changed: [], problems: [found] };
  const { content, proof } = found;
  const keys = new Map(keySet.keys.map((k) => [k.key_id, k]));
  const actual = digestsOf(content);
  const changed = (Object.keys(actual) as (keyof typeof actual)[]).filter((k) => actual[k] !== proof.digests[k]);
  const bytes = signedBytes(content.id, proof.digests);
  const problems: string[] = [];
  const signers = proof.signers.map((s) => {
    const sig = proof.signatures.find((x) => x.org_ref === s.org_ref);
    return { org_ref: s.org_ref, name: s.name, key_id: sig?.key_id ?? null, status: sig === undefined ? ('missing' as const) : checkSignature(bytes, sig, keys) };
  });
  for (const sig of proof.signatures) if (!proof.signers.some((s) => s.org_ref === sig.org_ref)) problems.push(`a signature by ${sig.org_ref}, who is not a listed signer`);
  const hubStatus = proof.hub_signature.org_ref !== keySet.hub ? 'wrong-organization' : checkSignature(hubBytes(content.id, proof.digests, proof.signatures), proof.hub_signature, keys);
  const ok = changed.length === 0 && problems.length === 0 && signers.every((s) => s.status === 'valid') && hubStatus === 'valid';
  return { ok, statement_id: content.id, title: content.title, signers, hub: { key_id: proof.hub_signature.key_id, status: hubStatus }, changed, problems };
}
