import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StixId } from '../src/domain/ids.ts';
import { TLP_MARKING_IDS } from '../src/domain/tlp.ts';
import { importObjects } from '../src/ingest/import.ts';
import { transparencyRepository } from '../src/store/transparency.ts';
import { composedHub, type ComposedHub, type Person } from './helpers/composed-hub.ts';
import { startHub, type Hub } from './helpers/federation-hub.ts';
import { testDialects } from './helpers/store.ts';

/**
 * Every path that makes something public records it in the transparency log, not only the features that
 * publish in their own words: a bundle upload, a TAXII POST, a federation pull, and a new version that takes
 * an object back from the public. The hub's own reference material (the directory, the knowledge base) is not logged.
 */
const TAXII = 'application/taxii+json;version=2.1';

function report(name: string, tlp: 'clear' | 'green', modified = '2026-10-01T00:00:00.000Z', id = `report--${crypto.randomUUID()}`): Record<string, unknown> {
  return { type: 'report', spec_version: '2.1', id, created: '2026-10-01T00:00:00.000Z', modified, name, published: '2026-10-01T00:00:00.000Z', object_refs: ['identity--00000099-0000-4000-8000-000000000000'], object_marking_refs: [TLP_MARKING_IDS[tlp]] };
}
const bundle = (objects: readonly Record<string, unknown>[]) => JSON.stringify({ type: 'bundle', id: `bundle--${crypto.randomUUID()}`, objects });
const named = (entries: readonly { kind: string; content: Record<string, unknown> }[]) => entries.map((e) => [e.kind, (e.content['object'] as { id: string } | undefined)?.id, e.content['name']]);

describe.each(testDialects())('every path that makes something public logs it (%s)', (dialect) => {
  let h: ComposedHub;
  let state: Person;

  async function entries(): Promise<{ kind: string; content: Record<string, unknown> }[]> {
    const res = await h.hub.app.inject({ method: 'GET', url: '/api/v1/public/transparency/entries?limit=1000' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ entries: { kind: string; content: Record<string, unknown> }[] }>().entries;
  }
  const as = (who: Person, type = 'application/json') => ({ authorization: `Bearer ${who.key}`, 'content-type': type, accept: type === TAXII ? TAXII : 'application/json' });

  beforeAll(async () => {
    h = await composedHub({ transparencyCheckpointMs: 0 }, dialect);
    state = await h.person(await h.state('55'), 'State analyst');
  });
  afterAll(async () => {
    await h.close();
  });

  it('adds no entry for the directory of organizations', async () => {
    await h.organization({ kind: 'local', name: 'Dane County Clerk (fictional)', state_fips: '55' });
    expect(await entries()).toEqual([]);
  });

  it('logs a TLP:CLEAR object uploaded in a bundle for the public, not the GREEN one beside it, nor a CLEAR one uploaded without an audience', async () => {
    const quiet = report('Uploaded clear, kept at home', 'clear');
    // Without an audience an upload takes the organization's defaults: TLP:CLEAR never publishes by itself.
    const home = await h.hub.app.inject({ method: 'POST', url: '/api/v1/import', headers: as(state), payload: bundle([quiet]) });
    expect(home.statusCode, home.body).toBe(200);
    expect(await h.store.stix.get({ kind: 'public' }, quiet['id'] as StixId)).toBeNull();
    expect(await entries()).toEqual([]);
    const clear = report('Uploaded clear', 'clear');
    const green = report('Uploaded green', 'green');
    const res = await h.hub.app.inject({ method: 'POST', url: `/api/v1/import?audience=public,org:${state.orgId}`, headers: as(state), payload: bundle([clear]) });
    expect(res.statusCode, res.body).toBe(200);
    const other = await h.hub.app.inject({ method: 'POST', url: '/api/v1/import?audience=community', headers: as(state), payload: bundle([green]) });
    expect(other.statusCode, other.body).toBe(200);
    const log = await entries();
    expect(named(log)).toEqual([['notice-published', clear['id'], 'Uploaded clear']]);
    expect(log[0]?.content).toMatchObject({ type: 'report', publisher: { org_ref: state.orgId } });
    expect(JSON.stringify(log)).not.toContain(String(green['id']));
  });

  it('logs an object posted to the public TAXII collection, and nothing when the same bytes come again', async () => {
    const size = (await entries()).length;
    const clear = report('Posted over TAXII', 'clear');
    for (let i = 0; i < 2; i++) {
      const res = await h.hub.app.inject({ method: 'POST', url: '/taxii2/rampart/collections/public/objects/', headers: as(state, TAXII), payload: JSON.stringify({ objects: [clear] }) });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json<{ success_count: number }>().success_count).toBe(1);
    }
    expect(named((await entries()).slice(size))).toEqual([['notice-published', clear['id'], 'Posted over TAXII']]);
  });

  it('logs a new version that takes an object back from the public', async () => {
    const size = (await entries()).length;
    const id = `report--${crypto.randomUUID()}`;
    const first = await h.hub.app.inject({ method: 'POST', url: '/api/v1/import?audience=public', headers: as(state), payload: bundle([report('Soon narrower', 'clear', '2026-10-01T00:00:00.000Z', id)]) });
    expect(first.statusCode, first.body).toBe(200);
    const narrower = await h.hub.app.inject({ method: 'POST', url: '/api/v1/import?audience=community', headers: as(state), payload: bundle([report('Soon narrower', 'clear', '2026-10-02T00:00:00.000Z', id)]) });
    expect(narrower.statusCode, narrower.body).toBe(200);
    expect(await h.store.stix.get({ kind: 'public' }, id as StixId)).toBeNull();
    const added = (await entries()).slice(size);
    expect(named(added)).toEqual([
      ['notice-published', id, 'Soon narrower'],
      ['notice-unpublished', id, 'Soon narrower'],
    ]);
    expect(added[1]?.content['object']).toMatchObject({ modified: '2026-10-01T00:00:00.000Z' });
  });

  it('leaves reference material the hub keeps public out of the log', async () => {
    const size = (await entries()).length;
    const imported = await importObjects(h.store.stix, [bundle([report('Reference', 'clear')])], { hubOwner: state.orgId, referenceData: true });
    expect(imported.ok && imported.value.added).toBe(1);
    expect((await entries()).length).toBe(size);
  });
});

describe('a federation pull that makes something public logs it', () => {
  const secrets: Record<string, string> = {};
  let source: Hub<'ca'>;
  let receiver: Hub<'assoc'>;

  beforeAll(async () => {
    source = await startHub({ ca: { kind: 'state', name: 'California Secretary of State', state_fips: '06' } }, secrets);
    receiver = await startHub({ assoc: { kind: 'isac', name: 'Election Officials Association' } }, secrets);
    const key = await source.addAccount('assoc', { kind: 'isac', name: 'Election Officials Association' });
    secrets['env:SOURCE_KEY'] = `bearer:${key.secret}`;
  });
  afterAll(async () => {
    await source.stop();
    await receiver.stop();
  });

  it('logs the received TLP:CLEAR object on the receiving hub, and not the GREEN one', async () => {
    const clear = report('Received clear', 'clear');
    const green = report('Received green', 'green');
    for (const [object, audience] of [
      [clear, ['public', 'community']],
      [green, ['community']],
    ] as const) {
      const res = await source.as(source.accounts.ca).post('/api/v1/objects', { object, audience });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const feed = await receiver.as(receiver.accounts.assoc).post('/api/v1/feeds', { name: 'California', url: `${source.url}/taxii2/`, collection: 'community', direction: 'pull', credential_ref: 'env:SOURCE_KEY', interval_seconds: 3600 });
    expect(feed.status, JSON.stringify(feed.body)).toBe(201);
    const run = await receiver.as(receiver.accounts.assoc).post(`/api/v1/feeds/${(feed.body as { id: string }).id}/run`, {});
    expect((run.body as { run: { status: string; message: string } }).run, JSON.stringify(run.body)).toMatchObject({ status: 'ok' });
    expect((await receiver.store.stix.get({ kind: 'public' }, clear['id'] as StixId))?.sharing.audience).toEqual(['public']);
    const log = await transparencyRepository(receiver.store.database).entries(1, 100);
    expect(named(log)).toEqual([['notice-published', clear['id'], 'Received clear']]);
    expect(JSON.stringify(log)).not.toContain(String(green['id']));
  });
});
