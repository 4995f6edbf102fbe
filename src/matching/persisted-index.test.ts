import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshStores, member, obj, OPERATOR, ORG_A, ORG_B, put, share } from '../../test/helpers/stix-kit.ts';
import { testDialects } from '../../test/helpers/store.ts';
import type { OrgId, StixId } from '../domain/ids.ts';
import { sqliteChangeMark } from '../store/change-mark.ts';
import type { Reader, StixStore } from '../store/types.ts';
import { compilePattern } from '../stix/pattern/index.ts';
import { FrozenIndex } from './frozen-index.ts';
import { IndicatorIndex, type MatchIndex } from './indicator-index.ts';
import { decodeIndexFile, encodeIndexFile, IndicatorKind, type FileIndicator } from './index-file.ts';
import { matchLogs, type MatchSummary } from './matcher.ts';
import { indexFileOf, loadPersistedIndex } from './persisted-index.ts';
import { buildWarningLists } from './warning-lists.ts';

const OWNER = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
const NOW = new Date('2026-11-03T12:00:00.000Z');
const empty = { name: 'none', description: 'none', source: 'tests', entries: [] };
const NO_LISTS = buildWarningLists({ ips: empty, domains: { ...empty, name: 'd' }, hashes: { ...empty, name: 'h' } });
const id = (n: number) => `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as StixId;

async function run(index: MatchIndex, lines: readonly string[]): Promise<MatchSummary> {
  const result = await matchLogs([lines.join('\n')], index, { format: 'jsonl', warningLists: NO_LISTS, now: NOW });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** What a summary says, in a form two runs can be compared by. */
const seen = (s: MatchSummary) => ({ hits: s.hits.map((h) => [h.indicator.id, h.indicator.name, h.indicator.owner, h.count, h.firstMs, h.lastMs, h.values]), suppressed: s.suppressed, lines: s.lines });

interface Case {
  readonly pattern: string;
  readonly name?: string | null;
  readonly validFrom?: string;
  readonly validUntil?: string;
}

/** The built index of the cases valid at NOW (as loadIndex builds it), and the same cases through an index file. */
function bothWays(cases: readonly Case[]): { built: IndicatorIndex; frozen: FrozenIndex } {
  const now = NOW.getTime();
  const built = new IndicatorIndex();
  const all = new IndicatorIndex();
  const file: FileIndicator[] = [];
  cases.forEach((c, i) => {
    const info = { id: id(i + 1), name: c.name === undefined ? `ind ${i + 1}` : c.name, pattern: c.pattern, owner: OWNER };
    const from = c.validFrom === undefined ? NaN : Date.parse(c.validFrom);
    const until = c.validUntil === undefined ? NaN : Date.parse(c.validUntil);
    if (!(from > now) && !(until <= now)) built.add(info, compilePattern);
    const before = [all.equality, all.compiled];
    all.add(info, compilePattern);
    const kind = all.equality > (before[0] ?? 0) ? IndicatorKind.Equality : all.compiled > (before[1] ?? 0) ? IndicatorKind.Compiled : IndicatorKind.Problem;
    file.push({ info, validFromMs: from, validUntilMs: until, kind });
  });
  const decoded = decodeIndexFile(encodeIndexFile('k', all, file), 'k');
  if (!decoded.ok) throw new Error(decoded.error);
  return { built, frozen: new FrozenIndex(decoded.value, { now: NOW, compile: compilePattern }) };
}

const CASES: readonly Case[] = [
  { pattern: "[ipv4-addr:value = '198.51.100.7']" },
  { pattern: "[ipv4-addr:value = '198.51.100.7']", name: null },
  { pattern: "[ipv4-addr:value ISSUBSET '203.0.113.0/24']" },
  { pattern: "[ipv6-addr:value = '2001:DB8::1']" },
  { pattern: "[domain-name:value = 'Ballots.Example']" },
  { pattern: "[url:value = 'http://ballots.example/bücher']" },
  { pattern: "[url:value = 'http://ballots.example/upload.php']" },
  { pattern: "[file:hashes.'SHA-256' = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']" },
  { pattern: "[network-traffic:dst_ref.value = '198.51.100.9' AND network-traffic:dst_port = 443]" },
  { pattern: "[domain-name:value = 'c2.example'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.10'] WITHIN 600 SECONDS" },
  { pattern: "[domain-name:value LIKE '%.evil.example']" },
  { pattern: "[network-traffic:dst_port = 4444]" },
  { pattern: "[domain-name:value = 'later.example']", validFrom: '2026-12-01T00:00:00Z' },
  { pattern: "[domain-name:value = 'expired.example']", validUntil: '2026-11-01T00:00:00Z' },
  { pattern: "[domain-name:value = 'broken.example'" },
  { pattern: "[domain-name:value = 'expired-broken.example'", validUntil: '2026-11-01T00:00:00Z' },
  { pattern: "[ipv4-addr:value = '198.51.100.7' AND network-traffic:dst_port = 443]" },
];

const LINES = [
  '{"ts":"2026-11-03T10:00:00Z","src_ip":"198.51.100.7","dest_ip":"203.0.113.5","dest_port":443,"query":"BALLOTS.example."}',
  '{"ts":"2026-11-03T10:01:00Z","src_ip":"2001:db8:0:0::1","dest_ip":"198.51.100.9","dest_port":443,"url":"http://ballots.example/bücher"}',
  '{"ts":"2026-11-03T10:02:00Z","src_ip":"192.0.2.1","dest_ip":"198.51.100.10","dest_port":4444,"query":"c2.example","url":"http://ballots.example/upload.php"}',
  '{"ts":"2026-11-03T10:03:00Z","src_ip":"192.0.2.2","dest_ip":"198.51.100.10","query":"x.evil.example","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}',
  '{"ts":"2026-11-03T10:04:00Z","src_ip":"192.0.2.3","query":"later.example"}',
  '{"ts":"2026-11-03T10:05:00Z","src_ip":"192.0.2.4","query":"expired.example"}',
];

describe('an index read from its file', () => {
  it('finds what the index built at start finds, with the same counts and problems', async () => {
    const { built, frozen } = bothWays(CASES);
    expect([frozen.equality, frozen.compiled]).toEqual([built.equality, built.compiled]);
    expect(frozen.problems).toEqual(built.problems);
    const [a, b] = [await run(built, LINES), await run(frozen, LINES)];
    expect(seen(b)).toEqual(seen(a));
    // The cases cover what they claim: value keys of every kind, a prefix, compiled leaves, and the validity window.
    expect(a.hits.map((h) => h.indicator.name).sort()).toEqual(['ind 1', 'ind 10', 'ind 11', 'ind 12', 'ind 3', 'ind 4', 'ind 5', 'ind 6', 'ind 7', 'ind 8', 'ind 9', null].sort((x, y) => String(x).localeCompare(String(y))));
  });

  it('refuses bytes that are damaged, truncated, foreign or built for something else', () => {
    const all = new IndicatorIndex();
    const info = { id: id(1), name: 'one', pattern: "[ipv4-addr:value = '198.51.100.7']", owner: OWNER };
    all.add(info, compilePattern);
    const bytes = encodeIndexFile('mark-1', all, [{ info, validFromMs: NaN, validUntilMs: NaN, kind: IndicatorKind.Equality }]);
    expect(decodeIndexFile(bytes, 'mark-1').ok).toBe(true);
    expect(decodeIndexFile(bytes, 'mark-2')).toEqual({ ok: false, error: 'stale' });
    for (const at of [9, 40, Math.floor(bytes.length / 2), bytes.length - 2]) {
      const flipped = Buffer.from(bytes);
      flipped[at] = (flipped[at] ?? 0) ^ 0x20;
      expect(decodeIndexFile(flipped, 'mark-1')).toEqual({ ok: false, error: 'damaged' });
    }
    expect(decodeIndexFile(bytes.subarray(0, bytes.length - 100), 'mark-1')).toEqual({ ok: false, error: 'damaged' });
    expect(decodeIndexFile(Buffer.from('{"not":"an index"}'), 'mark-1')).toEqual({ ok: false, error: 'not-an-index' });
    expect(decodeIndexFile(Buffer.alloc(0), 'mark-1')).toEqual({ ok: false, error: 'not-an-index' });
  });
});

describe.each(testDialects())('the persisted index over the %s store', (dialect) => {
  const fresh = freshStores(dialect);
  const indicator = (n: number, pattern: string, extra: { revoked?: boolean; modified?: string; sharing?: ReturnType<typeof share> } = {}) =>
    obj({ id: id(n), name: `ind ${n}`, revoked: extra.revoked ?? false, modified: extra.modified ?? '2026-10-01T00:00:00.000Z', sharing: extra.sharing ?? share(ORG_A, 'green', ['community']), extra: { pattern, pattern_type: 'stix', valid_from: '2026-10-01T00:00:00Z' } });
  const line = '{"ts":"2026-11-03T10:00:00Z","src_ip":"198.51.100.7","dest_ip":"198.51.100.8","query":"ballots.example"}';
  const load = async (stix: StixStore, dir: string, reader: Reader = OPERATOR) => {
    const loaded = await loadPersistedIndex({ stix, dir }, reader, { now: NOW, compile: compilePattern });
    return { ...loaded, hits: (await run(loaded.index, [line])).hits.map((h) => h.indicator.name).sort() };
  };

  it('is read from its file while the indicators are unchanged and rebuilt when one is added, revoked or reshared', async () => {
    const { store } = await fresh();
    const dir = mkdtempSync(path.join(tmpdir(), 'rampart-index-'));
    await put(store.stix, [indicator(1, "[ipv4-addr:value = '198.51.100.7']"), indicator(2, "[domain-name:value = 'ballots.example']")]);
    expect(await load(store.stix, dir)).toMatchObject({ from: 'built', refused: 'missing', saved: true, hits: ['ind 1', 'ind 2'] });
    expect(await load(store.stix, dir)).toMatchObject({ from: 'file', refused: null, hits: ['ind 1', 'ind 2'] });
    // Objects of other types leave the indicators' file as it is.
    await put(store.stix, [obj({ type: 'malware', name: 'not an indicator' })]);
    expect(await load(store.stix, dir)).toMatchObject({ from: 'file' });

    await put(store.stix, [indicator(3, "[ipv4-addr:value = '198.51.100.8']")]);
    expect(await load(store.stix, dir)).toMatchObject({ from: 'built', refused: 'stale', hits: ['ind 1', 'ind 2', 'ind 3'] });
    await put(store.stix, [indicator(1, "[ipv4-addr:value = '198.51.100.7']", { revoked: true, modified: '2026-10-02T00:00:00.000Z' })]);
    expect(await load(store.stix, dir)).toMatchObject({ from: 'built', refused: 'stale', hits: ['ind 2', 'ind 3'] });
    expect(await load(store.stix, dir)).toMatchObject({ from: 'file', hits: ['ind 2', 'ind 3'] });

    // Each reader has its own file, holding only what that reader may see; a narrower sharing rebuilds it.
    const outsider = member(ORG_B, ['community']);
    expect(await load(store.stix, dir, outsider)).toMatchObject({ from: 'built', hits: ['ind 2', 'ind 3'] });
    expect(indexFileOf(dir, outsider)).not.toBe(indexFileOf(dir, OPERATOR));
    await store.stix.reshare(id(2), share(ORG_A, 'amber', [`org:${ORG_A}`]));
    expect(await load(store.stix, dir, outsider)).toMatchObject({ from: 'built', refused: 'stale', hits: ['ind 3'] });
    expect(await load(store.stix, dir)).toMatchObject({ from: 'built', hits: ['ind 2', 'ind 3'] });
  });

  it('ignores a damaged or foreign file and writes a good one in its place', async () => {
    const { store } = await fresh();
    const dir = mkdtempSync(path.join(tmpdir(), 'rampart-index-'));
    await put(store.stix, [indicator(1, "[ipv4-addr:value = '198.51.100.7']")]);
    await load(store.stix, dir);
    const file = indexFileOf(dir, OPERATOR);
    const good = readFileSync(file);
    const damaged = Buffer.from(good);
    damaged[Math.floor(damaged.length / 2)] = (damaged[Math.floor(damaged.length / 2)] ?? 0) ^ 1;
    writeFileSync(file, damaged);
    expect(await load(store.stix, dir)).toMatchObject({ from: 'built', refused: 'damaged', hits: ['ind 1'] });
    expect(readFileSync(file).equals(good)).toBe(true);
    writeFileSync(file, 'garbage');
    expect(await load(store.stix, dir)).toMatchObject({ from: 'built', refused: 'not-an-index', hits: ['ind 1'] });
    // Another reader's file under this reader's name: built for someone else, so stale.
    await load(store.stix, dir, member(ORG_B, ['community']));
    writeFileSync(file, readFileSync(indexFileOf(dir, member(ORG_B, ['community']))));
    expect(await load(store.stix, dir)).toMatchObject({ from: 'built', refused: 'stale', hits: ['ind 1'] });
  });

  it('still matches when the folder cannot be written', async () => {
    const { store } = await fresh();
    const blocker = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-index-')), 'a-file');
    writeFileSync(blocker, 'not a folder');
    await put(store.stix, [indicator(1, "[ipv4-addr:value = '198.51.100.7']")]);
    expect(await load(store.stix, path.join(blocker, 'index'))).toMatchObject({ from: 'built', saved: false, hits: ['ind 1'] });
  });

  it.skipIf(dialect !== 'sqlite')('reads the same change mark straight from the SQLite file', async () => {
    const { store, db } = await fresh();
    await put(store.stix, [indicator(1, "[ipv4-addr:value = '198.51.100.7']")]);
    expect(sqliteChangeMark(db.url, 'indicator')).toBe(await store.stix.changeMark('indicator'));
    expect(sqliteChangeMark(path.join(tmpdir(), 'no-such-rampart.sqlite'), 'indicator')).toBeNull();
  });
});
