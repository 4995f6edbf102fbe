import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../test/helpers/cli.ts';
import { transparencyCommand } from '../cli/commands/transparency.ts';
import { checkpointBytes, contentHashOf, entryHashOf, GENESIS_HASH, type TransparencyEntry } from '../domain/transparency.ts';
import { newKeyPair, type KeySet } from '../statements/signing.ts';
import { verifyLog, type LogDocument } from './verify.ts';

const HUB = 'identity--cc8654b7-1ffc-487a-bf1c-ed29e18f0a33';
const pair = newKeyPair();
const other = newKeyPair();
const keyEntry = (p: typeof pair, org: string) => ({ key_id: p.keyId, org_ref: org, org_name: null, algorithm: 'Ed25519' as const, public_key: p.publicKey, status: 'active' as const, created: '2026-10-01T00:00:00Z', retired_at: null, revoked_at: null, revoked_reason: null });
const keys: KeySet = { hub: HUB, canonicalization: 'RFC 8785', keys: [keyEntry(pair, HUB), keyEntry(other, 'identity--00000000-0000-4000-8000-0000000000c1')] };

/** A log of five entries built with the published rules, checkpoints at 3 and 5 signed by the hub's key. */
function buildLog(): LogDocument {
  const entries: TransparencyEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= 5; seq++) {
    const content = { title: `Correction ${seq}`, state_fips: '55', object: { id: `report--00000000-0000-4000-8000-00000000000${seq}` } };
    const base = { seq, time: `2026-11-0${seq}T12:00:00.000Z`, kind: 'correction-published', content_hash: contentHashOf(content), prev_hash: prev };
    const entry = { ...base, content, hash: entryHashOf(base) };
    entries.push(entry);
    prev = entry.hash;
  }
  const checkpoint = (id: number, size: number, privatePem = pair.privatePem, keyId = pair.keyId) => {
    const head = { hub: HUB, tree_size: size, head_hash: entries[size - 1]?.hash ?? GENESIS_HASH, time: `2026-11-0${size}T13:00:00.000Z` };
    return { id, ...head, key_id: keyId, signature: sign(null, checkpointBytes(head), createPrivateKey(privatePem)).toString('base64url') };
  };
  return { entries, checkpoints: [checkpoint(1, 3), checkpoint(2, 5)] };
}

/** Rewrites entry `seq` and every hash after it, as a careful forger would: only a signed checkpoint still tells. */
function rechain(log: LogDocument): LogDocument {
  let prev = GENESIS_HASH;
  const entries = log.entries.map((e) => {
    const base = { seq: e.seq, time: e.time, kind: e.kind, content_hash: contentHashOf(e.content), prev_hash: prev };
    prev = entryHashOf(base);
    return { ...base, content: e.content, hash: prev };
  });
  return { ...log, entries };
}

const codes = (log: LogDocument) => verifyLog(log, keys).problems.map((p) => [p.code, p.where]);

describe('verifyLog', () => {
  it('verifies an intact log', () => {
    expect(verifyLog(buildLog(), keys)).toMatchObject({ ok: true, entries: 5, checkpoints: 2, problems: [] });
  });

  it('finds a tampered entry: its content no longer matches its hash', () => {
    const log = buildLog();
    const [e1, e2, e3, ...rest] = log.entries;
    if (e1 === undefined || e2 === undefined || e3 === undefined) throw new Error('short log');
    const tampered = { ...log, entries: [e1, e2, { ...e3, content: { ...e3.content, title: 'Something else' } }, ...rest] };
    expect(codes(tampered)).toEqual([['content-changed', 'entry 3'], ['checkpoint-head-mismatch', 'checkpoint 1'], ['checkpoint-head-mismatch', 'checkpoint 2']]);
    expect(verifyLog(tampered, keys).problems[0]?.message).toBe('entry 3 (correction-published): its content no longer matches its content_hash: the content was changed after it was logged');
  });

  it('finds a tampered entry whose hashes were all recomputed, through the signed checkpoint', () => {
    const log = buildLog();
    const entries = log.entries.map((e) => (e.seq === 2 ? { ...e, content: { ...e.content, title: 'Rewritten' } } : e));
    const forged = rechain({ ...log, entries });
    expect(codes(forged)).toEqual([['checkpoint-head-mismatch', 'checkpoint 1'], ['checkpoint-head-mismatch', 'checkpoint 2']]);
    expect(verifyLog(forged, keys).problems[0]?.message).toMatch(/^checkpoint 1 signed head [0-9a-f]{12}… at size 3, but the entries give [0-9a-f]{12}…: an entry between 1 and 3 was changed, removed or reordered after it was signed$/);
  });

  it('finds a removed entry, in the middle and at the end', () => {
    const log = buildLog();
    const middle = { ...log, entries: log.entries.filter((e) => e.seq !== 4) };
    expect(codes(middle)).toEqual([['sequence-gap', 'entry 5'], ['chain-broken', 'entry 5'], ['checkpoint-beyond-log', 'checkpoint 2']]);
    expect(verifyLog(middle, keys).problems[0]?.message).toBe('entry 5 comes at position 4: entry 4 is missing (removed from the log)');
    const tail = { ...log, entries: log.entries.slice(0, 4) };
    expect(codes(tail)).toEqual([['checkpoint-beyond-log', 'checkpoint 2']]);
    expect(verifyLog(tail, keys).problems[0]?.message).toBe('checkpoint 2 signed 5 entries, but the log holds 4: entries after 4 were removed');
  });

  it('finds reordered entries', () => {
    const log = buildLog();
    const [e1, e2, e3, e4, e5] = log.entries;
    if (e1 === undefined || e2 === undefined || e3 === undefined || e4 === undefined || e5 === undefined) throw new Error('short log');
    const swapped = { ...log, entries: [e1, e2, e4, e3, e5] };
    expect(codes(swapped)).toEqual([
      ['sequence-gap', 'entry 4'],
      ['chain-broken', 'entry 4'],
      ['sequence-order', 'entry 3'],
      ['chain-broken', 'entry 3'],
      ['chain-broken', 'entry 5'],
      ['checkpoint-head-mismatch', 'checkpoint 1'],
      ['checkpoint-head-mismatch', 'checkpoint 2'],
    ]);
    expect(verifyLog(swapped, keys).problems[2]?.message).toBe('entry 3 comes at position 4, after entry 4: entries are reordered or repeated');
  });

  it('finds a forged checkpoint: altered, signed by another key, by an unknown key, by a revoked key', () => {
    const log = buildLog();
    const [c1, c2] = log.checkpoints;
    if (c1 === undefined || c2 === undefined) throw new Error('no checkpoints');
    const altered = { ...log, checkpoints: [c1, { ...c2, time: '2026-12-01T00:00:00.000Z' }] };
    expect(codes(altered)).toEqual([['checkpoint-signature', 'checkpoint 2']]);
    expect(verifyLog(altered, keys).problems[0]?.message).toBe(`checkpoint 2 (size 5, 2026-12-01T00:00:00.000Z): the signature does not verify with the hub's key ${pair.keyId}: the checkpoint was forged or altered`);
    const head = { hub: HUB, tree_size: 5, head_hash: c2.head_hash, time: c2.time };
    const byOther = { ...c2, key_id: other.keyId, signature: sign(null, checkpointBytes(head), createPrivateKey(other.privatePem)).toString('base64url') };
    expect(verifyLog({ ...log, checkpoints: [c1, byOther] }, keys).problems[0]?.message).toBe(`checkpoint 2 is signed with key ${other.keyId} of identity--00000000-0000-4000-8000-0000000000c1, not the hub's`);
    expect(codes({ ...log, checkpoints: [c1, { ...c2, key_id: 'nokey' }] })).toEqual([['checkpoint-key', 'checkpoint 2']]);
    const revoked: KeySet = { ...keys, keys: [{ ...keyEntry(pair, HUB), status: 'revoked', revoked_at: '2026-12-01T00:00:00Z', revoked_reason: 'key lost' }] };
    expect(verifyLog(log, revoked).problems.map((p) => p.message)).toEqual([`checkpoint 1 is signed with key ${pair.keyId}, which the hub revoked (key lost)`, `checkpoint 2 is signed with key ${pair.keyId}, which the hub revoked (key lost)`]);
  });
});

describe('rampart transparency verify <file>', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rampart-translog-'));
  const file = (name: string, value: unknown) => {
    const p = path.join(dir, name);
    writeFileSync(p, JSON.stringify(value));
    return p;
  };
  const keyFile = file('keys.json', keys);

  it('exits 0 for an intact log, 1 naming where it breaks, 2 when unreadable', async () => {
    const intact = await runCommand(transparencyCommand(), ['verify', file('ok.json', buildLog()), '--keys', keyFile]);
    expect([intact.exit ?? 0, intact.out]).toEqual([0, expect.stringContaining('VALID: the chain is intact and every checkpoint is signed by the hub and matches it')]);
    const log = buildLog();
    const broken = await runCommand(transparencyCommand(), ['verify', file('bad.json', { ...log, entries: log.entries.filter((e) => e.seq !== 2) }), '--keys', keyFile]);
    expect(broken.exit).toBe(1);
    expect(broken.out).toContain('  entry 3: entry 3 comes at position 2: entry 2 is missing (removed from the log)\n');
    expect(broken.out).toMatch(/NOT VALID: \d+ problems\n$/);
    const unreadable = await runCommand(transparencyCommand(), ['verify', file('junk.json', { entries: 'x', checkpoints: [] }), '--keys', keyFile]);
    expect(unreadable.exit).toBe(2);
    expect(unreadable.err).toContain('not a transparency log document (/entries: ');
    const noKeys = await runCommand(transparencyCommand(), ['verify', file('ok2.json', buildLog())]);
    expect([noKeys.exit, noKeys.err]).toEqual([2, 'rampart transparency verify: give the key set with --keys (a saved /.well-known/rampart-keys.json or its address)\n']);
  });
});
