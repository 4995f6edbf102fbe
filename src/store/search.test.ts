import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { up as upSearch } from './migrations/0022-search.ts';
import { up as upReference } from './migrations/0034-reference-flag.ts';
import { up as upDirectory } from './migrations/0036-directory-reference.ts';
import { up as upAudienceReference } from './migrations/0040-audience-reference.ts';
import { up as upVocabulary } from './migrations/0041-vocabulary-reference.ts';
import { up as upAudienceListing } from './migrations/0050-audience-listing.ts';
import { up as upWordParts } from './migrations/0043-fts-word-parts.ts';
import { up as upValueSharing } from './migrations/0045-value-sharing.ts';
import { up as upValueSharingPostgres } from './migrations/0047-value-sharing-postgres.ts';
import { up as upFtsSharing } from './migrations/0046-fts-sharing.ts';
import { ownerWord } from './visibility.ts';
import { testDialects } from '../../test/helpers/store.ts';
import { GREEN_A, OPERATOR, ORG_A, ORG_B, freshStores, member, obj, put, share } from '../../test/helpers/stix-kit.ts';
import { searchValuesOf, valueQuery } from './search-values.ts';
import { kyselyStixStore } from './stix-store.ts';
import { RAMPART_EXTENSION_ID } from '../stix/rampart-extension.ts';
import type { IncomingObject, Reader, StixStore, StoredVersion } from './types.ts';
import type { OrgId } from '../domain/ids.ts';

const nameOf = (v: StoredVersion): string => (JSON.parse(v.json) as { name?: string }).name ?? '';
const indicator = (pattern: string, sharing = GREEN_A) => obj({ name: 'indicator', sharing, extra: { pattern, pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z' } });

describe('search values', () => {
  it('reads the constants of a pattern and the values named in text', () => {
    const values = searchValuesOf(
      JSON.stringify({
        type: 'indicator',
        id: 'indicator--00000000-0000-4000-8000-000000000001',
        pattern: "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [email-message:from_ref.value = 'Ops@Mail.Example.org'] AND [file:hashes.MD5 != 'd41d8cd98f00b204e9800998ecf8427e']",
        description: 'Seen at https://login.example.net/a?b=1 and 2001:db8::1, then 192.0.2.7.',
      }),
    );
    expect(values).toEqual([
      { kind: 'ip4', value: 'c6336400', prefix: 24 },
      { kind: 'email', value: 'ops@mail.example.org', prefix: 0 },
      { kind: 'domain', value: 'org.example.mail.', prefix: 0 },
      { kind: 'url', value: 'https://login.example.net/a?b=1', prefix: 0 },
      { kind: 'domain', value: 'net.example.login.', prefix: 0 },
      { kind: 'ip4', value: 'c0000207', prefix: 32 },
    ]);
  });

  it('reads a query as an address, a block, a domain, a URL, an email address or a hash, and anything else as words', () => {
    expect(valueQuery('203.0.113.47')).toMatchObject({ kind: 'ip', version: 4, low: 'cb00712f', high: 'cb00712f', prefix: 32 });
    expect(valueQuery('203.0.113.0/24')).toMatchObject({ kind: 'ip', low: 'cb007100', high: 'cb0071ff', prefix: 24 });
    expect(valueQuery('Example.COM')).toEqual({ kind: 'domain', from: 'com.example.', to: 'com.example/' });
    expect(valueQuery('a@example.com')).toEqual({ kind: 'exact', values: [{ kind: 'email', value: 'a@example.com', prefix: 0 }] });
    expect(valueQuery('phishing campaign')).toBeNull();
    expect(valueQuery('10.0')).toBeNull();
  });
});

describe.each(testDialects())('search on %s', (dialect) => {
  const fresh = freshStores(dialect);

  async function found(store: Awaited<ReturnType<typeof fresh>>['store'], reader: Reader, text: string, items: readonly IncomingObject[]): Promise<string[]> {
    const page = await store.stix.list(reader, { limit: 100, text });
    if (!page.ok) throw new Error(page.error.message);
    const names = new Map(items.map((i, n) => [i.id, String(n)]));
    return page.value.items.map((v) => names.get(v.id) ?? v.id);
  }

  it('finds addresses exactly, inside a block, and blocks holding an address; domains with their subdomains; URLs, emails and hashes', async () => {
    const { store } = await fresh();
    const items = [
      indicator("[ipv4-addr:value = '203.0.113.47']"),
      indicator("[ipv4-addr:value ISSUBSET '203.0.113.0/26']"),
      indicator("[url:value = 'https://portal.example.org/login']"),
      obj({ type: 'incident', name: 'Phishing', description: 'Mail from clerk@mail.example.org asked for passwords' }),
      indicator("[file:hashes.'SHA-256' = 'F1E2D3C4B5A697887766554433221100FFEEDDCCBBAA99887766554433221100']"),
      indicator("[ipv4-addr:value = '198.51.100.1']"),
    ];
    await put(store.stix, items);
    expect(await found(store, OPERATOR, '203.0.113.47', items)).toEqual(['0', '1']);
    expect(await found(store, OPERATOR, '203.0.113.0/24', items)).toEqual(['0', '1']);
    expect(await found(store, OPERATOR, '203.0.113.99', items)).toEqual([]);
    expect(await found(store, OPERATOR, '203.0.113.9', items)).toEqual(['1']);
    expect(await found(store, OPERATOR, 'example.org', items)).toEqual(['2', '3']);
    expect(await found(store, OPERATOR, 'mail.example.org', items)).toEqual(['3']);
    expect(await found(store, OPERATOR, 'ample.org', items)).toEqual([]);
    expect(await found(store, OPERATOR, 'https://portal.example.org/login', items)).toEqual(['2']);
    expect(await found(store, OPERATOR, 'CLERK@mail.example.org', items)).toEqual(['3']);
    expect(await found(store, OPERATOR, 'f1e2d3c4b5a697887766554433221100ffeeddccbbaa99887766554433221100', items)).toEqual(['4']);
    expect(await found(store, OPERATOR, 'passwords phish', items)).toEqual(['3']);
    expect(await store.stix.count(OPERATOR, { text: '203.0.113.0/24' })).toBe(2);
  });

  it('never finds what was not shared with the reader, even by a value only that object names', async () => {
    const { store } = await fresh();
    const a = member(ORG_A, ['org:a']);
    const b = member(ORG_B, ['org:b']);
    const items = [
      indicator("[ipv4-addr:value = '192.0.2.10']", share(ORG_B, 'amber', ['org:b'])),
      indicator("[ipv4-addr:value = '192.0.2.10']", share(ORG_A, 'amber', ['org:a'])),
      obj({ type: 'report', name: 'Quiet report', description: 'about secret-portal.example.net', sharing: share(ORG_B, 'amber', ['org:b']) }),
    ];
    await put(store.stix, items);
    expect(await found(store, a, '192.0.2.10', items)).toEqual(['1']);
    expect(await found(store, a, '192.0.2.0/24', items)).toEqual(['1']);
    expect(await found(store, b, '192.0.2.10', items)).toEqual(['0']);
    expect(await found(store, a, 'secret-portal.example.net', items)).toEqual([]);
    expect(await found(store, a, 'quiet report', items)).toEqual([]);
    expect(await found(store, b, 'example.net', items)).toEqual(['2']);
    expect(await store.stix.count(a, { text: '192.0.2.10' })).toBe(1);
  });

  it('finds by value what a re-share gives the reader and no longer what it takes away, every version as its own TLP allows', async () => {
    const { store } = await fresh();
    const b = member(ORG_B, ['community', 'org:b']);
    const v1 = indicator("[domain-name:value = 'reshared.example.org']", share(ORG_A, 'amber', [`org:${ORG_A}`]));
    const v2 = { ...v1, modified: '2024-11-01T12:00:00.000Z', json: v1.json.replace(/"modified":"[^"]*"/, '"modified":"2024-11-01T12:00:00.000Z"'), sharing: share(ORG_A, 'green', [`org:${ORG_A}`]) };
    await put(store.stix, [v1, v2]);
    const seen = async (versions: 'latest' | 'all') => {
      const page = await store.stix.list(b, { limit: 10, text: 'example.org', versions });
      return page.ok ? page.value.items.map((v) => v.modified) : page.error;
    };
    expect(await seen('all')).toEqual([]);
    await store.stix.reshare(v1.id, share(ORG_A, 'green', ['community']));
    // The GREEN newest version reaches the community; the AMBER one before it may name organizations, states or groups only.
    expect(await seen('all')).toEqual([v2.modified]);
    expect(await store.stix.count(b, { text: 'reshared.example.org', atMost: 5 })).toBe(1);
    await store.stix.reshare(v1.id, share(ORG_A, 'green', [`org:${ORG_A}`, 'org:b']));
    expect(await seen('all')).toEqual([v1.modified, v2.modified]);
    await store.stix.reshare(v1.id, share(ORG_A, 'green', [`org:${ORG_A}`]));
    expect(await seen('latest')).toEqual([]);
    expect(await store.stix.count(b, { text: 'reshared.example.org', versions: 'all' })).toBe(0);
    if (dialect === 'postgres') {
      // Each value row carries its version's owner and audience (migrations 0045 and 0047), rewritten with them.
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from stix_value s join stix_version v on v.added_us = s.added_us where s.owner <> v.owner or s.audience <> v.audience`.execute(store.database.db);
      expect(Number(rows[0]?.n)).toBe(0);
      const { rows: all } = await sql<{ n: number | string }>`select count(*) as n from stix_value`.execute(store.database.db);
      expect(Number(all[0]?.n)).toBe(2);
    }
  });

  it('finds each word as a word or the start of one, whichever terms start it, and ranks them', async () => {
    const { store } = await fresh();
    const names = ['Impersonation of the clerk', 'Impersonated poll worker', 'Impersonate voters', 'Important notice', 'Imp of the perverse', 'Crème brûlée ballots', 'Polling place impostor'];
    const items = names.map((name) => obj({ type: 'report', name }));
    await put(store.stix, items);
    const find = async (text: string, sort?: 'relevance') => {
      const page = await store.stix.list(OPERATOR, { limit: 20, text, order: 'desc', ...(sort === undefined ? {} : { sort }) });
      if (!page.ok) throw new Error(page.error.message);
      return page.value.items.map(nameOf).sort();
    };
    const impersonat = ['Impersonate voters', 'Impersonated poll worker', 'Impersonation of the clerk'];
    expect(await find('impersonat')).toEqual(impersonat);
    expect(await find('impersonat', 'relevance')).toEqual(impersonat);
    expect(await store.stix.count(OPERATOR, { text: 'impersonat' })).toBe(3);
    expect(await find('impersonated')).toEqual(['Impersonated poll worker']);
    // Two words: each starts a term of the same item.
    expect(await find('impers poll')).toEqual(['Impersonated poll worker']);
    expect(await find('pol imp')).toEqual(['Impersonated poll worker', 'Polling place impostor']);
    // A short word, a word no term starts, an accented word the index folds.
    expect(await find('im')).toEqual([...names.filter((n) => n.startsWith('Im')), 'Polling place impostor'].sort());
    expect(await find('impx')).toEqual([]);
    expect(await find('crème')).toEqual(['Crème brûlée ballots']);
  });

  it('finds a word by the terms it starts as written since it was last asked for, here or by another process', async () => {
    const { store, open } = await fresh();
    const other = await open();
    const find = async (text: string, sort?: 'relevance') => {
      const page = await store.stix.list(OPERATOR, { limit: 20, text, ...(sort === undefined ? {} : { sort }) });
      if (!page.ok) throw new Error(page.error.message);
      return page.value.items.map(nameOf).sort();
    };
    await put(store.stix, [obj({ type: 'report', name: 'Polling place moved' })]);
    expect(await find('poll')).toEqual(['Polling place moved']);
    expect(await find('poll', 'relevance')).toEqual(['Polling place moved']);
    // A term no item held when "poll" was last looked up, written by this store and then by another on the same database.
    await put(store.stix, [obj({ type: 'report', name: 'Pollster calls voters' })]);
    expect(await find('poll')).toEqual(['Polling place moved', 'Pollster calls voters']);
    await put(other.stix, [obj({ type: 'report', name: 'Pollworker training' })]);
    expect(await find('poll', 'relevance')).toEqual(['Polling place moved', 'Pollster calls voters', 'Pollworker training']);
    expect(await store.stix.count(OPERATOR, { text: 'poll' })).toBe(3);
  });

  it('finds the words inside host names, URLs, email addresses and file paths as words, as SQLite and PostgreSQL both split them', async () => {
    const { store } = await fresh();
    const items = [
      obj({ type: 'report', name: 'Credential harvest', description: 'A copy of the sign-in page at https://vote-portal-10015.example/sign_in?next=/ballot' }),
      obj({ type: 'incident', name: 'Mail from ops_team@mail.county-elections.example', description: 'It asked for <b>passwords</b>' }),
      obj({ type: 'report', name: 'Poll_Worker_Schedule.docm', description: 'Dropped in C:\\Users\\clerk\\AppData and /tmp/epollbook-patch.msi' }),
    ];
    await put(store.stix, items);
    expect(await found(store, OPERATOR, 'portal', items)).toEqual(['0']);
    expect(await found(store, OPERATOR, 'vote portal 10015', items)).toEqual(['0']);
    expect(await found(store, OPERATOR, 'sign ballot', items)).toEqual(['0']);
    expect(await found(store, OPERATOR, 'team county elect', items)).toEqual(['1']);
    expect(await found(store, OPERATOR, 'passwords', items)).toEqual(['1']);
    expect(await found(store, OPERATOR, 'worker schedule docm', items)).toEqual(['2']);
    expect(await found(store, OPERATOR, 'appdata patch msi', items)).toEqual(['2']);
    // A word is still the start of one: `poll` starts `poll` and `epollbook` starts nothing of it.
    expect(await found(store, OPERATOR, 'poll', items)).toEqual(['2']);
    expect(await found(store, OPERATOR, 'pollbook', items)).toEqual([]);
    expect(await store.stix.count(OPERATOR, { text: 'example' })).toBe(2);
  });

  it('pages through a words search both ways, oldest or newest first, only over what the reader may see, and counts it up to a cap', async () => {
    const { store } = await fresh();
    const a = member(ORG_A, ['org:a']);
    // Every third report is B's alone; an older version of one of A's is replaced, so only its latest counts.
    const items = Array.from({ length: 14 }, (_, n) =>
      obj({ type: 'report', name: `Ballot portal report ${n}`, sharing: n % 3 === 0 ? share(ORG_B, 'amber', ['org:b']) : GREEN_A }),
    );
    await put(store.stix, items);
    await put(store.stix, [obj({ id: items[1]?.id ?? '', type: 'report', name: 'Ballot portal report 1', modified: '2024-12-01T00:00:00.000Z' })]);
    const visible = items.map((_, n) => n).filter((n) => n % 3 !== 0);
    const walk = async (reader: Reader, order: 'asc' | 'desc') => {
      const seen: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.stix.list(reader, { limit: 3, text: 'ballot port', order, ...(cursor === undefined ? {} : { cursor }) });
        if (!page.ok) throw new Error(page.error.message);
        seen.push(...page.value.items.map((v) => items.findIndex((i) => i.id === v.id)));
        cursor = page.value.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return seen;
    };
    // Item 1's new version was added last.
    const addedOrder = [...visible.filter((n) => n !== 1), 1];
    expect(await walk(a, 'asc')).toEqual(addedOrder);
    expect(await walk(a, 'desc')).toEqual([...addedOrder].reverse());
    expect(await walk(OPERATOR, 'asc')).toHaveLength(14);
    expect(await store.stix.count(a, { text: 'ballot port' })).toBe(visible.length);
    expect(await store.stix.count(a, { text: 'ballot port', atMost: 4 })).toBe(5);
    expect(await store.stix.count(a, { text: 'ballot port', atMost: 40 })).toBe(visible.length);
    expect(await store.stix.count(a, { text: 'ballot port', types: ['indicator'], atMost: 4 })).toBe(0);
    expect(await store.stix.count(OPERATOR, { text: 'Ballot', atMost: 13 })).toBe(14);
    expect(await store.stix.count(OPERATOR, { types: ['report'], atMost: 2 })).toBe(3);
    // A page with its count: count's answer whether the first page holds every match or not, and on a later page.
    for (const limit of [3, visible.length, 20]) {
      for (const atMost of [4, 40]) {
        const first = await store.stix.listCounted(a, { limit, text: 'ballot port' }, atMost);
        if (!first.ok) throw new Error(first.error.message);
        expect(first.value.items).toHaveLength(Math.min(limit, visible.length));
        expect(first.value.counted).toBe(Math.min(visible.length, atMost + 1));
        if (first.value.nextCursor === null) continue;
        const second = await store.stix.listCounted(a, { limit, text: 'ballot port', cursor: first.value.nextCursor }, atMost);
        expect(second.ok && second.value.counted).toBe(Math.min(visible.length, atMost + 1));
      }
    }
  });

  it("counts a value or words search by each version's sharing as it is now: after re-shares, a new version and a replaced version, as its pages list it", async () => {
    const { store } = await fresh();
    const a = member(ORG_A, ['community', 'org:a']);
    const first = indicator("[ipv4-addr:value = '192.0.2.10'] OR [domain-name:value = 'mail.reshared.example']", share(ORG_B, 'amber', ['org:b']));
    const other = indicator("[ipv4-addr:value = '192.0.2.0/24']", share(ORG_A, 'amber', ['org:a']));
    await put(store.stix, [first, other]);
    // The count reads the value rows' own copy of the sharing (SQLite, migration 0045); a page reads the versions.
    const seen = async (text: string, versions: 'latest' | 'all' = 'latest') => {
      const page = await store.stix.list(a, { limit: 100, text, versions });
      if (!page.ok) throw new Error(page.error.message);
      const count = await store.stix.count(a, { text, versions });
      const capped = await store.stix.count(a, { text, versions, atMost: 0 });
      expect(count, `count of ${text} (${versions})`).toBe(page.value.items.length);
      expect(capped, `capped count of ${text} (${versions})`).toBe(Math.min(1, count));
      // And by words: the full-text rows carry the sharing too (migration 0046).
      const words = await store.stix.list(a, { limit: 100, text: 'indicator', versions });
      expect(await store.stix.count(a, { text: 'indicator', versions, atMost: 5 }), `capped count of the word (${versions})`).toBe(words.ok ? words.value.items.length : -1);
      return page.value.items.map((v) => (v.id === first.id ? `first ${v.modified ?? ''}` : 'other'));
    };
    expect(await seen('192.0.2.10')).toEqual(['other']);
    expect(await seen('reshared.example')).toEqual([]);
    await store.stix.reshare(first.id, share(ORG_B, 'amber', ['org:b', 'org:a']));
    expect(await seen('192.0.2.10')).toEqual(['first 2024-10-01T12:00:00.000Z', 'other']);
    expect(await seen('reshared.example')).toEqual(['first 2024-10-01T12:00:00.000Z']);
    await store.stix.reshare(first.id, share(ORG_B, 'amber', ['org:b']));
    expect(await seen('reshared.example')).toEqual([]);
    // A later version shared with the community: the older AMBER version is held to what its own TLP lets through.
    const later = { ...first, modified: '2024-10-02T12:00:00.000Z', sharing: share(ORG_B, 'green', ['community']), json: first.json.replace('2024-10-01T12:00:00.000Z', '2024-10-02T12:00:00.000Z') };
    await put(store.stix, [later]);
    expect(await seen('reshared.example')).toEqual(['first 2024-10-02T12:00:00.000Z']);
    expect(await seen('reshared.example', 'all')).toEqual(['first 2024-10-02T12:00:00.000Z']);
    await store.stix.reshare(first.id, share(ORG_B, 'green', ['community', 'org:a']));
    expect(await seen('reshared.example', 'all')).toEqual(['first 2024-10-01T12:00:00.000Z', 'first 2024-10-02T12:00:00.000Z']);
    // Replaced with other bytes: its value rows are written again, with the version's sharing.
    await put(store.stix, [{ ...later, sharing: share(ORG_B, 'amber', ['org:b']), json: later.json.replace('mail.reshared.example', 'www.reshared.example') }], 'replace');
    expect(await seen('www.reshared.example')).toEqual([]);
    await store.stix.reshare(first.id, share(ORG_B, 'amber', ['org:b', 'org:a']));
    expect(await seen('www.reshared.example', 'all')).toEqual(['first 2024-10-02T12:00:00.000Z']);
    expect(await seen('mail.reshared.example', 'all')).toEqual(['first 2024-10-01T12:00:00.000Z']);
  });

  it('forgets the values of a replaced version', async () => {
    const { store } = await fresh();
    const first = indicator("[ipv4-addr:value = '192.0.2.10']");
    const replaced = { ...first, description: 'changed', json: first.json.replace('192.0.2.10', '192.0.2.11') };
    await put(store.stix, [first]);
    await put(store.stix, [replaced], 'replace');
    expect(await found(store, OPERATOR, '192.0.2.10', [first])).toEqual([]);
    expect(await found(store, OPERATOR, '192.0.2.11', [first])).toEqual(['0']);
    expect(await found(store, OPERATOR, 'changed', [first])).toEqual(['0']);
  });
});

describe.each(testDialects())('migration 0022 on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('indexes the values and text of versions stored before it runs', async () => {
    const { store, open } = await fresh();
    const items = [indicator("[domain-name:value = 'old.example.com']"), obj({ type: 'report', name: 'Earlier advisory' })];
    await put(store.stix, items);
    // Back to the tables before 0022, with the versions still there, and 0022 run again.
    await sql`drop table stix_value`.execute(store.database.db);
    await (dialect === 'sqlite' ? sql`drop table stix_fts` : sql`drop index stix_version_fts`).execute(store.database.db);
    await upSearch(store.database.db);
    const again = await open();
    const ids = async (text: string) => {
      const page = await again.stix.list(OPERATOR, { limit: 10, text });
      return page.ok ? page.value.items.map((v) => v.id) : page.error;
    };
    expect(await ids('example.com')).toEqual([items[0]?.id]);
    expect(await ids('earlier advis')).toEqual([items[1]?.id]);
  });
});

describe.each(testDialects().filter((d) => d === 'sqlite'))('migration 0045 on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('copies the sharing of every version onto its value rows stored before it runs', async () => {
    const { store, open } = await fresh();
    const items = [indicator("[domain-name:value = 'old.example.com']", share(ORG_B, 'amber', ['org:b'])), indicator("[domain-name:value = 'www.old.example.com']")];
    await put(store.stix, items);
    await sql`alter table stix_value drop column owner`.execute(store.database.db);
    await sql`alter table stix_value drop column audience`.execute(store.database.db);
    await upValueSharing(store.database.db);
    const again = await open();
    expect(await again.stix.count(member(ORG_A, ['community']), { text: 'old.example.com' })).toBe(1);
    expect(await again.stix.count(member(ORG_B, ['org:b']), { text: 'old.example.com' })).toBe(1);
    expect(await again.stix.count(member(ORG_B, ['org:b', 'community']), { text: 'old.example.com' })).toBe(2);
    const { rows } = await sql<{ n: number }>`select count(*) as n from stix_value s join stix_version v on v.added_us = s.added_us where s.owner <> v.owner or s.audience <> v.audience`.execute(store.database.db);
    expect(Number(rows[0]?.n)).toBe(0);
  });
});

describe.each(testDialects().filter((d) => d === 'sqlite'))('migration 0046 on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it("rebuilds the full-text index with each version's sharing as words, searched by the text columns only", async () => {
    const { store, open } = await fresh();
    const items = [
      obj({ type: 'report', name: 'Earlier advisory', sharing: share(ORG_B, 'amber', ['org:b']) }),
      obj({ type: 'report', name: 'Earlier notice', description: 'community notes' }),
      obj({ type: 'report', name: 'Later advisory', sharing: share(ORG_B, 'clear', ['public', 'org:b']) }),
    ];
    await put(store.stix, items);
    // The index as before 0046: name and description only, the vocabulary over it.
    await sql`drop table stix_fts_vocab`.execute(store.database.db);
    await sql`drop table stix_fts`.execute(store.database.db);
    await sql`create virtual table stix_fts using fts5(name, description, content='', contentless_delete=1)`.execute(store.database.db);
    await sql`insert into stix_fts (rowid, name, description) select added_us, coalesce(name, ''), coalesce(description, '') from stix_version`.execute(store.database.db);
    await sql`create virtual table stix_fts_vocab using fts5vocab(stix_fts, 'row')`.execute(store.database.db);
    await upFtsSharing(store.database.db);
    const again = await open();
    const count = (reader: Reader, text: string) => again.stix.count(reader, { text, atMost: 10 });
    expect(await count(member(ORG_A, ['community']), 'advis')).toBe(0);
    expect(await count(member(ORG_A, ['public']), 'advis')).toBe(1);
    expect(await count(member(ORG_B, []), 'advis')).toBe(2);
    expect(await count(member(ORG_A, ['org:b']), 'earlier')).toBe(2);
    expect(await count(member(ORG_B, []), 'earlier')).toBe(1);
    expect(await count(OPERATOR, 'earlier')).toBe(2);
    // A search word is never read as a sharing word, nor a sharing word as text.
    expect(await count(OPERATOR, 'community')).toBe(1);
    expect(await count(OPERATOR, '0spublic')).toBe(0);
    const { rows } = await sql<{ term: string }>`select term from stix_fts_vocab where term like '0o%' order by term`.execute(store.database.db);
    expect(rows.map((r) => r.term)).toEqual([ownerWord(ORG_A), ownerWord(ORG_B)].sort());
  });
});

describe.each(testDialects())('migration 0043 on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('splits the host names and addresses of versions stored before it into words, and asks for their lexemes', async () => {
    const { store, open } = await fresh();
    const items = [obj({ type: 'report', name: 'Lookalike site', description: 'https://vote-portal-7.example/login and clerk@county-elections.example' }), obj({ type: 'report', name: 'Portal outage' })];
    await put(store.stix, items);
    if (dialect === 'postgres') {
      // Back to migration 0035's document, which kept host names and URLs whole.
      await sql`alter table stix_version drop column fts`.execute(store.database.db);
      await sql`alter table stix_version add column fts tsvector generated always as (to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(description, ''))) stored`.execute(store.database.db);
      await sql`truncate stix_fts_term`.execute(store.database.db);
      await sql`insert into stix_fts_term select distinct unnest(tsvector_to_array(fts)) from stix_version`.execute(store.database.db);
    }
    await upWordParts(store.database.db);
    const again = await open();
    const ids = async (text: string) => {
      const page = await again.stix.list(OPERATOR, { limit: 10, text, order: 'desc' });
      return page.ok ? page.value.items.map((v) => v.id) : page.error;
    };
    expect(await ids('portal')).toEqual([items[1]?.id, items[0]?.id]);
    expect(await ids('vote login')).toEqual([items[0]?.id]);
    expect(await ids('county elections')).toEqual([items[0]?.id]);
    if (dialect === 'postgres') {
      const { rows } = await sql<{ term: string }>`select term from stix_fts_term where term like ${'%.%'} or term like ${'%-%'}`.execute(store.database.db);
      expect(rows).toEqual([]);
      const stored = await sql<{ term: string }>`select term from stix_fts_term where term >= 'vote' and term < 'votf'`.execute(store.database.db);
      expect(stored.rows.map((r) => r.term)).toEqual(['vote']);
    }
  });
});

describe.each(testDialects().filter((d) => d === 'postgres'))('migration 0047 on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it("copies each version's owner and audience onto the value rows stored before it, so a member finds by value what it may see", async () => {
    const { store, open } = await fresh();
    const items = [indicator("[domain-name:value = 'before.example.com']", share(ORG_B, 'amber', ['org:b'])), indicator("[domain-name:value = 'www.before.example.com']")];
    await put(store.stix, items);
    // Back to the value rows before 0047.
    await sql`alter table stix_value drop constraint stix_value_pk`.execute(store.database.db);
    await sql`alter table stix_value drop column owner, drop column audience`.execute(store.database.db);
    await sql`alter table stix_value add constraint stix_value_pk primary key (kind, value, prefix, added_us)`.execute(store.database.db);
    await upValueSharingPostgres(store.database.db);
    const again = await open();
    const ids = async (reader: Reader) => {
      const page = await again.stix.list(reader, { limit: 10, text: 'before.example.com', order: 'desc' });
      return page.ok ? page.value.items.map((v) => v.id) : page.error;
    };
    expect(await ids(member(ORG_B, ['community', 'org:b']))).toEqual([items[1]?.id, items[0]?.id]);
    expect(await ids(member(ORG_A, ['community']))).toEqual([items[1]?.id]);
    expect(await again.stix.count(member(ORG_A, ['community']), { text: 'before.example.com', atMost: 5 })).toBe(1);
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from stix_value s join stix_version v on v.added_us = s.added_us where s.owner <> v.owner or s.audience <> v.audience`.execute(store.database.db);
    expect(Number(rows[0]?.n)).toBe(0);
  });
});

describe.each(testDialects())('the reference library flag on %s', (dialect) => {
  const fresh = freshStores(dialect);
  const mitre = 'identity--c78cb6e5-0c4b-4611-8297-d1b8b55e40b5';
  const library = () => [
    obj({ type: 'attack-pattern', name: 'owned by MITRE', sharing: share(mitre as OrgId, 'green', ['community']) }),
    obj({ type: 'attack-pattern', name: 'created by MITRE', extra: { created_by_ref: mitre } }),
    obj({ type: 'x-mitre-tactic', name: 'a tactic' }),
    obj({ type: 'attack-pattern', name: 'ATT&CK, no creator', extra: { x_mitre_version: '1.0' } }),
    obj({ type: 'identity', id: mitre, name: 'The MITRE Corporation', extra: { identity_class: 'organization' } }),
    // The hub's directory: a member organization's own identity, owned by it.
    obj({ type: 'identity', id: ORG_B, name: 'A member office', extra: { identity_class: 'organization' }, sharing: share(ORG_B, 'green', ['community']) }),
    // Vocabulary: how to read other objects (the hub's own extension definition, a member's statement marking).
    obj({ type: 'extension-definition', name: 'Rampart election security extension', extra: { schema: 'docs/elections.md', version: '2.2.0', extension_types: ['new-sdo'] }, sharing: share(ORG_B, 'clear', ['public']) }),
    obj({ type: 'marking-definition', name: 'Statement marking', extra: { definition_type: 'statement', definition: { statement: 'Copyright (fictional)' } } }),
  ];
  const news = () => [
    obj({ type: 'report', name: 'names MITRE in its text', description: `see ${mitre}, x_mitre_version` }),
    obj({ type: 'attack-pattern', name: 'x_mitre_version null', extra: { x_mitre_version: null } }),
    obj({ type: 'attack-pattern', name: 'created by another', extra: { created_by_ref: ORG_B } }),
    obj({ type: 'identity', name: 'an identity a member shared', extra: { identity_class: 'individual' }, sharing: share(ORG_B, 'green', ['community']) }),
  ];

  const names = async (stix: StixStore, reference: 'exclude' | 'only' | undefined) => {
    const page = await stix.list(OPERATOR, { limit: 100, ...(reference === undefined ? {} : { reference }) });
    if (!page.ok) throw new Error(page.error.message);
    const all = await stix.count(OPERATOR, reference === undefined ? {} : { reference });
    expect(all).toBe(page.value.items.length);
    return page.value.items.map(nameOf).sort();
  };

  it('is set on every version written, and lists leave the library out or list it alone', async () => {
    const { store } = await fresh();
    const [lib, other] = [library(), news()];
    await put(store.stix, [...lib, ...other]);
    expect(await names(store.stix, 'only')).toEqual(lib.map((o) => o.name).sort());
    expect(await names(store.stix, 'exclude')).toEqual(other.map((o) => o.name).sort());
    // A member reading through its sources (no other filter): the library is left out there too.
    const page = await store.stix.list(member(ORG_A, ['community', `org:${ORG_A}`]), { limit: 100, order: 'desc', reference: 'exclude' });
    expect(page.ok && page.value.items.map(nameOf).sort()).toEqual(other.map((o) => o.name).sort());
  });

  it("leaves a library stored first out of a member's pages through its sources, page by page both ways, in the capped total, and after a re-share", async () => {
    const { store } = await fresh();
    const lib = Array.from({ length: 40 }, (_, i) => obj({ type: 'attack-pattern', name: `library ${i}`, sharing: share(mitre as OrgId, 'green', ['community']) }));
    await put(store.stix, lib);
    const seen = Array.from({ length: 12 }, (_, i) => obj({ type: 'report', name: `news ${String(i).padStart(2, '0')}`, sharing: share(ORG_B, 'green', ['community']) }));
    const hidden = Array.from({ length: 5 }, (_, i) => obj({ type: 'report', name: `hidden ${i}`, sharing: share(ORG_B, 'amber+strict', [`org:${ORG_B}`]) }));
    const own = obj({ type: 'report', name: 'news own', sharing: share(ORG_A, 'amber+strict', [`org:${ORG_A}`]) });
    await put(store.stix, [...seen.slice(0, 6), ...hidden, own, ...seen.slice(6)]);
    await put(store.stix, lib.slice(20, 30));
    const reader = member(ORG_A, ['community', `org:${ORG_A}`]);
    const expected = [...seen.slice(0, 6), own, ...seen.slice(6)].map((o) => o.name);
    for (const order of ['asc', 'desc'] as const) {
      const walked: (string | undefined)[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.stix.list(reader, { limit: 5, order, reference: 'exclude', ...(cursor === undefined ? {} : { cursor }) });
        if (!page.ok) throw new Error(page.error.message);
        walked.push(...page.value.items.map(nameOf));
        cursor = page.value.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(walked, order).toEqual(order === 'asc' ? expected : [...expected].reverse());
    }
    expect(await store.stix.count(reader, { reference: 'exclude', atMost: 1000 })).toBe(13);
    expect(await store.stix.count(reader, { reference: 'exclude', atMost: 5 })).toBe(6);
    expect(await store.stix.count(reader, { reference: 'exclude' })).toBe(13);
    // Re-shared, a library version's audience rows are written again: still the library's.
    const first = lib[0];
    if (first === undefined) throw new Error('no library');
    await store.stix.reshare(first.id, { owner: mitre as OrgId, tlp: 'green', audience: ['community', `org:${ORG_A}`] });
    const after = await store.stix.list(reader, { limit: 100, reference: 'exclude' });
    expect(after.ok && after.value.items.map(nameOf)).toEqual(expected);
    expect(await store.stix.count(reader, { reference: 'exclude', atMost: 1000 })).toBe(13);
    const { rows } = await sql<{ reference: number }>`select a.reference from stix_audience a join stix_version v on v.added_us = a.added_us where v.id = ${first.id}`.execute(store.database.db);
    expect(rows.map((r) => Number(r.reference))).toEqual([1, 1]);
    const withLibrary = await store.stix.list(reader, { limit: 100 });
    expect(withLibrary.ok && withLibrary.value.items.length).toBe(53);
  });

  it('is copied onto the audience rows stored before migration 0040 when it runs', async () => {
    const { store, open } = await fresh();
    const [lib, other] = [library(), news()];
    await put(store.stix, [...lib, ...other]);
    await sql`drop index stix_audience_listing`.execute(store.database.db);
    if (dialect === 'postgres') await sql`drop statistics stix_audience_key_reference`.execute(store.database.db);
    await sql`alter table stix_audience drop column reference`.execute(store.database.db);
    await upAudienceReference(store.database.db);
    const again = await open();
    const page = await again.stix.list(member(ORG_A, ['community', `org:${ORG_A}`]), { limit: 100, reference: 'exclude' });
    expect(page.ok && page.value.items.map(nameOf).sort()).toEqual(other.map((o) => o.name).sort());
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from stix_audience a join stix_version v on v.added_us = a.added_us where a.reference <> v.reference`.execute(store.database.db);
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it("is joined on the audience rows by each version's latest flag and type, copied by migration 0050 onto rows stored before it", async () => {
    const { store, open } = await fresh();
    const [lib, other] = [library(), news()];
    await put(store.stix, [...lib, ...other]);
    const first = other[0];
    if (first === undefined) throw new Error('no news');
    // A newer version of a member's report: its older version's rows are no longer the latest.
    await put(store.stix, [{ ...first, json: JSON.stringify({ ...(JSON.parse(first.json) as object), modified: '2030-01-01T00:00:00.000Z' }), modified: '2030-01-01T00:00:00.000Z' }]);
    const reader = member(ORG_A, ['community', `org:${ORG_A}`]);
    const working = { reference: 'exclude', excludeTypes: ['report'], atMost: 1000 } as const;
    const before = { all: await store.stix.count(reader, { reference: 'exclude', atMost: 1000 }), working: await store.stix.count(reader, working) };
    expect(before).toEqual({ all: other.length, working: other.length - 1 });
    // As a database stored before migration 0050 holds them: no flag, no type, the index of migration 0040.
    await sql`drop index stix_audience_listing`.execute(store.database.db);
    await sql`alter table stix_audience drop column is_latest`.execute(store.database.db);
    await sql`alter table stix_audience drop column type`.execute(store.database.db);
    await sql`create index stix_audience_news on stix_audience (key, added_us) where reference = 0`.execute(store.database.db);
    await upAudienceListing(store.database.db);
    const again = await open();
    expect({ all: await again.stix.count(reader, { reference: 'exclude', atMost: 1000 }), working: await again.stix.count(reader, working) }).toEqual(before);
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from stix_audience a join stix_version v on v.added_us = a.added_us
      where a.is_latest <> v.is_latest or a.type <> v.type or a.reference <> v.reference`.execute(store.database.db);
    expect(Number(rows[0]?.n)).toBe(0);
    const { rows: older } = await sql<{ n: number | string }>`select count(*) as n from stix_audience where is_latest = 0`.execute(store.database.db);
    expect(Number(older[0]?.n)).toBeGreaterThan(0);
  });

  it('is set by migration 0041 on the marking and extension definitions stored before it, and on their audience rows', async () => {
    const { store, open } = await fresh();
    const [lib, other] = [library(), news()];
    await put(store.stix, [...lib, ...other]);
    const vocabulary = sql`(select added_us from stix_version where type in ('marking-definition', 'extension-definition'))`;
    await sql`update stix_version set reference = 0 where added_us in ${vocabulary}`.execute(store.database.db);
    await sql`update stix_audience set reference = 0 where added_us in ${vocabulary}`.execute(store.database.db);
    expect(await names(store.stix, 'exclude')).toContain('Rampart election security extension');
    await upVocabulary(store.database.db);
    const again = await open();
    expect(await names(again.stix, 'only')).toEqual(lib.map((o) => o.name).sort());
    expect(await names(again.stix, 'exclude')).toEqual(other.map((o) => o.name).sort());
    const page = await again.stix.list(member(ORG_A, ['community', `org:${ORG_A}`]), { limit: 100, reference: 'exclude' });
    expect(page.ok && page.value.items.map(nameOf).sort()).toEqual(other.map((o) => o.name).sort());
  });

  it('is set by migrations 0034 and 0036 on the versions stored before them', async () => {
    const { store, open } = await fresh();
    const [lib, other] = [library(), news()];
    await put(store.stix, [...lib, ...other]);
    await sql`drop index stix_version_reference`.execute(store.database.db);
    // Migration 0035's index on SQLite holds the column too.
    await sql`drop index if exists stix_version_check`.execute(store.database.db);
    await sql`alter table stix_version drop column reference`.execute(store.database.db);
    await upReference(store.database.db);
    await upDirectory(store.database.db);
    await upVocabulary(store.database.db);
    const again = await open();
    expect(await names(again.stix, 'only')).toEqual(lib.map((o) => o.name).sort());
    expect(await names(again.stix, 'exclude')).toEqual(other.map((o) => o.name).sort());
  });
});

describe.each(testDialects())('best match first on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('walks the matches in rank order past many the reader may not see, and pages through exactly what it may see', async () => {
    const { store } = await fresh();
    // Hidden matches rank best (the word many times); the reader's, fewer times each, rank below them.
    const hidden = Array.from({ length: 300 }, (_, i) => obj({ type: 'report', name: `hidden ${i}`, description: 'ballot ballot ballot ballot ballot', sharing: share(ORG_B, 'amber+strict', [`org:${ORG_B}`]) }));
    const mine = Array.from({ length: 30 }, (_, i) => obj({ type: 'report', name: `mine ${i}`, description: `${'ballot '.repeat(1 + (i % 3))}other words here`, sharing: share(ORG_B, 'green', ['community']) }));
    await put(store.stix, [...hidden, ...mine]);
    const reader = member(ORG_A, ['community', `org:${ORG_A}`]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.stix.list(reader, { limit: 7, text: 'ballot', sort: 'relevance', ...(cursor === undefined ? {} : { cursor }) });
      if (!page.ok) throw new Error(page.error.message);
      seen.push(...page.value.items.map(nameOf));
      cursor = page.value.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen.sort()).toEqual(mine.map((o) => o.name ?? '').sort());
    expect(await store.stix.count(reader, { text: 'ballot' })).toBe(30);
    // Best first: the three-times ones before the twice and the once ones.
    const first = await store.stix.list(reader, { limit: 10, text: 'ballot', sort: 'relevance' });
    expect(first.ok && first.value.items.every((v) => Number(nameOf(v).split(' ')[1]) % 3 === 2)).toBe(true);
    const all = await store.stix.list(OPERATOR, { limit: 5, text: 'ballot', sort: 'relevance' });
    expect(all.ok && all.value.items.every((v) => nameOf(v).startsWith('hidden'))).toBe(true);
  });
});

describe.each(testDialects())('best match first among the newest matches on %s', (dialect) => {
  const fresh = freshStores(dialect);
  const AMONG = 12;

  /** Every page of the reader's best matches of `text`, walked with the cursor, in order. */
  async function ranked(stix: Pick<StixStore, 'list'>, reader: Reader, text: string, limit = 5): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await stix.list(reader, { limit, text, sort: 'relevance', ...(cursor === undefined ? {} : { cursor }) });
      if (!page.ok) throw new Error(page.error.message);
      seen.push(...page.value.items.map(nameOf));
      cursor = page.value.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return seen;
  }

  it('ranks the newest matches the reader may see, and objects it may not see neither appear nor move the window or the count', async () => {
    const { store } = await fresh();
    const small = kyselyStixStore(store.database, { rankedAmong: AMONG });
    const reader = member(ORG_A, ['community', `org:${ORG_A}`]);
    // 20 matches the reader may see, oldest first; every third names the word three times.
    const mine = Array.from({ length: 20 }, (_, i) => obj({ type: 'report', name: `mine ${i}`, description: `${'ballot '.repeat(i % 3 === 0 ? 3 : 1)}and more words`, sharing: share(ORG_B, 'green', ['community']) }));
    await put(store.stix, mine);
    const before = await ranked(small, reader, 'ballot');
    // Best first among the newest 12 (mine 8 to 19): the three-times ones (9, 12, 15, 18), then the others, newest first.
    expect(before).toEqual(['mine 18', 'mine 15', 'mine 12', 'mine 9', 'mine 19', 'mine 17', 'mine 16', 'mine 14', 'mine 13', 'mine 11', 'mine 10', 'mine 8']);
    const countBefore = await small.count(reader, { text: 'ballot' });
    expect(countBefore).toBe(20);
    // A page of the window that holds all of it still counts every match, not the window.
    const page = await small.listCounted(reader, { limit: 100, text: 'ballot', sort: 'relevance' }, 1000);
    expect(page.ok && [page.value.items.length, page.value.counted]).toEqual([AMONG, 20]);
    // Newer matches the reader may not see, ranking best of all: the reader's window, order and count stay the same.
    const hidden = Array.from({ length: 30 }, (_, i) => obj({ type: 'report', name: `hidden ${i}`, description: 'ballot ballot ballot ballot ballot', sharing: share(ORG_B, 'amber+strict', [`org:${ORG_B}`]) }));
    await put(store.stix, hidden);
    expect(await ranked(small, reader, 'ballot')).toEqual(before);
    expect(await ranked(small, reader, 'ballot', 100)).toEqual(before);
    expect(await small.count(reader, { text: 'ballot' })).toBe(countBefore);
    // The operator's window is the newest 12 of all: hidden ones only.
    const all = await ranked(small, OPERATOR, 'ballot');
    expect(all).toHaveLength(AMONG);
    expect(all.every((n) => n.startsWith('hidden'))).toBe(true);
    // The filters decide the window too: a type no match has gives nothing.
    const none = await small.list(reader, { limit: 5, text: 'ballot', sort: 'relevance', types: ['incident'] });
    expect(none.ok && none.value.items).toEqual([]);
  });

  it('pages through every match when there are fewer than the window holds', async () => {
    const { store } = await fresh();
    const small = kyselyStixStore(store.database, { rankedAmong: AMONG });
    const items = Array.from({ length: 7 }, (_, i) => obj({ type: 'incident', name: `case ${i}`, description: i === 2 ? 'ransomware ransomware note' : 'ransomware note' }));
    await put(store.stix, items);
    expect(await ranked(small, OPERATOR, 'ransomware', 3)).toEqual(['case 2', 'case 6', 'case 5', 'case 4', 'case 3', 'case 1', 'case 0']);
  });

  it('widens the newest range it ranks in until it holds the window, so sparse recent matches give the same window', async () => {
    const { store } = await fresh();
    const small = kyselyStixStore(store.database, { rankedAmong: 3 });
    // Old matches, then many newer versions that do not match, then one newest match: the first range (about
    // the newest 300 versions on PostgreSQL) holds one match of the three, so the walk widens to all.
    await put(store.stix, Array.from({ length: 5 }, (_, i) => obj({ type: 'incident', name: `old ${i}`, description: i === 3 ? 'turnout turnout' : 'turnout' })));
    await put(store.stix, Array.from({ length: 400 }, (_, i) => obj({ type: 'note', name: `filler ${i}`, description: 'nothing to see' })));
    await put(store.stix, [obj({ type: 'incident', name: 'new', description: 'turnout' })]);
    // PostgreSQL sizes the ranges from the table's row estimate.
    if (dialect === 'postgres') await sql`analyze stix_version`.execute(store.database.db);
    expect(await ranked(small, OPERATOR, 'turnout', 2)).toEqual(['old 3', 'new', 'old 4']);
  });
});

describe.each(testDialects())('list filters on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('filters by the election extension severity and state, by labels, TLP and owner, and counts the same way', async () => {
    const { store } = await fresh();
    const ext = (severity: string, state: string) => ({ extensions: { [RAMPART_EXTENSION_ID]: { extension_type: 'property-extension', severity, state_fips: state } } });
    const items = [
      obj({ type: 'incident', name: 'high 55', extra: ext('high', '55') }),
      obj({ type: 'incident', name: 'low 17', extra: { ...ext('low', '17'), labels: ['phishing'] }, sharing: share(ORG_B, 'green', ['community']) }),
      obj({ type: 'x-rampart-status-report', extra: { state_fips: '17' } }),
    ];
    await put(store.stix, items);
    const names = async (q: Omit<Parameters<typeof store.stix.list>[1], 'limit'>) => {
      const page = await store.stix.list(OPERATOR, { limit: 10, ...q });
      if (!page.ok) throw new Error(page.error.message);
      return page.value.items.map((v) => items.findIndex((i) => i.id === v.id));
    };
    expect(await names({ severities: ['high', 'critical'] })).toEqual([0]);
    expect(await names({ states: ['17'] })).toEqual([1, 2]);
    expect(await names({ labels: ['phishing'] })).toEqual([1]);
    expect(await names({ owners: [ORG_B] })).toEqual([1]);
    expect(await names({ owners: [ORG_A], tlps: ['green'] })).toEqual([0, 2]);
    expect(await names({ tlps: ['red'] })).toEqual([]);
    expect(await store.stix.count(member(ORG_A, ['org:a']), { states: ['17'] })).toBe(1);
  });
});
