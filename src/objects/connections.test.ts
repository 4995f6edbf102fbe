import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgId } from '../domain/ids.ts';
import type { RampartStore } from '../store/index.ts';
import { freshStores } from '../../test/helpers/stix-kit.ts';
import { testDialects } from '../../test/helpers/store.ts';
import { bearer, harness, ORG_A, ORG_B, PHISHING_ID, phishingIndicator, type Harness } from '../../test/helpers/http.ts';
import { selectedObjects, csvCell, selectionCsv, CSV_COLUMNS } from './selection.ts';
import type { MemberReader } from '../store/types.ts';

let store: RampartStore;
let h: Harness;

const T = '2024-11-05T13:00:00.000Z';
const MALWARE = 'malware--0c000000-0000-4000-8000-000000000001';
const INDICATES = 'relationship--0c000000-0000-4000-8000-000000000002';
const REPORT = 'report--0c000000-0000-4000-8000-000000000003';
const NOTE = 'note--0c000000-0000-4000-8000-000000000004';
const SIGHTING = 'sighting--0c000000-0000-4000-8000-000000000005';
const OPINION = 'opinion--0c000000-0000-4000-8000-000000000006';
const HIDDEN_NAME = 'Phishing domain impersonating the county clerk';

const base = (type: string, id: string) => ({ type, spec_version: '2.1', id, created: T, modified: T });

async function publish(key: string, object: object, tlp: string, audience: readonly string[]) {
  const res = await h.app.inject({ method: 'POST', url: '/api/v1/objects', headers: bearer(key), payload: { object, tlp, audience } });
  expect(res.statusCode, res.body).toBe(201);
}

describe.each(testDialects())('connections, graph, selection export and titles on %s', (dialect) => {
  const fresh = freshStores(dialect);

  beforeEach(async () => {
    store = (await fresh()).store;
    h = await harness({ stix: store.stix, now: () => new Date('2024-11-06T09:00:00.000Z') });
    // A's indicator stays inside A; everything else is shared with the community except B's own sighting of that indicator.
    await publish(h.b.writeKey, { ...base('malware', MALWARE), name: 'PollPest loader (fictional)', is_family: true }, 'green', ['community']);
    await publish(h.a.writeKey, phishingIndicator(), 'amber', [`org:${ORG_A}`]);
    await publish(h.a.writeKey, { ...base('relationship', INDICATES), relationship_type: 'indicates', source_ref: PHISHING_ID, target_ref: MALWARE }, 'green', ['community']);
    await publish(h.a.writeKey, { ...base('report', REPORT), name: 'Weekly threat brief', published: T, report_types: ['threat-report'], object_refs: [PHISHING_ID, MALWARE] }, 'green', ['community']);
    await publish(h.b.writeKey, { ...base('note', NOTE), content: 'Seen in two counties', object_refs: [MALWARE] }, 'green', ['community']);
    await publish(h.b.writeKey, { ...base('sighting', SIGHTING), sighting_of_ref: PHISHING_ID, last_seen: '2024-11-05T15:00:00Z' }, 'amber', [`org:${ORG_B}`]);
    await publish(h.a.writeKey, { ...base('opinion', OPINION), opinion: 'agree', object_refs: [REPORT] }, 'green', ['community']);
  });
  afterEach(async () => {
    await h.close();
  });

  interface Summary {
    readonly shared: boolean;
    readonly id: string;
    readonly type?: string;
    readonly title?: string | null;
    readonly owner?: string;
  }
  interface ConnectionsBody {
    readonly refers_to: readonly { via: string; target: Summary }[];
    readonly refers_to_total: number;
    readonly referred_by: readonly { via: readonly string[]; object: Summary; relationship: { type: string; direction: string; other: Summary } | null }[];
    readonly next_cursor: string | null;
  }

  const get = async <T>(key: string, url: string) => {
    const res = await h.app.inject({ method: 'GET', url, headers: bearer(key) });
    return { status: res.statusCode, body: res.json<T>(), text: res.body };
  };

  describe('GET /api/v1/objects/{id}/connections', () => {
    it('lists what refers to an object, newest first, with a relationship end not shared with the reader only as "not shared"', async () => {
      const { status, body } = await get<ConnectionsBody>(h.b.readKey, `/api/v1/objects/${MALWARE}/connections`);
      expect(status).toBe(200);
      expect(body.refers_to).toEqual([]);
      expect(body.referred_by.map((r) => [r.object.id, r.via])).toEqual([
        [NOTE, ['object_refs']],
        [REPORT, ['object_refs']],
        [INDICATES, ['target_ref']],
      ]);
      expect(body.referred_by[0]?.object).toEqual({ shared: true, id: NOTE, type: 'note', title: 'Seen in two counties', tlp: 'green', owner: ORG_B, revoked: false });
      expect(body.referred_by[2]?.relationship).toEqual({ type: 'indicates', direction: 'in', other: { shared: false, id: PHISHING_ID } });
      expect(body.next_cursor).toBeNull();
    });

    it('lists everything an object refers to, naming only what the reader may see', async () => {
      const forB = await get<ConnectionsBody>(h.b.readKey, `/api/v1/objects/${REPORT}/connections`);
      expect(forB.body.refers_to).toEqual([
        { via: 'object_refs', target: { shared: false, id: PHISHING_ID } },
        { via: 'object_refs', target: expect.objectContaining({ shared: true, id: MALWARE, title: 'PollPest loader (fictional)' }) as unknown },
      ]);
      expect(forB.body.refers_to_total).toBe(2);
      expect(forB.text).not.toContain(HIDDEN_NAME);
      expect(forB.body.referred_by.map((r) => r.object.id)).toEqual([OPINION]);
      const forA = await get<ConnectionsBody>(h.a.readKey, `/api/v1/objects/${REPORT}/connections`);
      expect(forA.body.refers_to[0]?.target).toEqual({ shared: true, id: PHISHING_ID, type: 'indicator', title: HIDDEN_NAME, tlp: 'amber', owner: ORG_A, revoked: false });
    });

    it("gives a sighting a readable title that names the indicator only for a reader who may see it, and hides others' sightings", async () => {
      const own = await get<ConnectionsBody>(h.b.readKey, `/api/v1/objects/${SIGHTING}/connections`);
      expect(own.body.refers_to).toEqual([{ via: 'sighting_of_ref', target: { shared: false, id: PHISHING_ID } }]);
      const forA = await get<ConnectionsBody>(h.a.readKey, `/api/v1/objects/${PHISHING_ID}/connections`);
      // B kept its sighting to itself: A's indicator page does not list it (its count is the aggregate's business).
      expect(forA.body.referred_by.map((r) => r.object.id)).toEqual([REPORT, INDICATES]);
      const reader = (org: OrgId): MemberReader => ({ kind: 'member', orgId: org, userId: null, keys: ['community', `org:${org}`] });
      const orgName = (id: OrgId) => Promise.resolve(id === ORG_B ? 'Dane County Clerk' : null);
      const seenByB = await selectedObjects({ stix: store.stix, orgName }, reader(ORG_B), [SIGHTING]);
      expect(seenByB.ok && seenByB.value.map((s) => s.title)).toEqual(['Sighting of an indicator not shared with you by Dane County Clerk on 2024-11-05']);
      const everyone = await selectedObjects({ stix: store.stix, orgName }, { kind: 'operator' }, [SIGHTING]);
      expect(everyone.ok && everyone.value.map((s) => s.title)).toEqual([`Sighting of ${HIDDEN_NAME} by Dane County Clerk on 2024-11-05`]);
    });

    it('answers 404 for an object the reader may not see, 400 for a bad id or page', async () => {
      const hidden = await get<{ code: string }>(h.b.readKey, `/api/v1/objects/${PHISHING_ID}/connections`);
      expect([hidden.status, hidden.body.code]).toEqual([404, 'not-found']);
      expect((await get(h.b.readKey, '/api/v1/objects/not-an-id/connections')).status).toBe(400);
      expect((await get(h.b.readKey, `/api/v1/objects/${MALWARE}/connections?limit=0`)).status).toBe(400);
      const cursor = await get<{ code: string }>(h.b.readKey, `/api/v1/objects/${MALWARE}/connections?cursor=nonsense`);
      expect([cursor.status, cursor.body.code]).toEqual([400, 'invalid-cursor']);
    });

    it('pages what refers to an object', async () => {
      const first = await get<ConnectionsBody>(h.b.readKey, `/api/v1/objects/${MALWARE}/connections?limit=2`);
      expect(first.body.referred_by.map((r) => r.object.id)).toEqual([NOTE, REPORT]);
      const second = await get<ConnectionsBody>(h.b.readKey, `/api/v1/objects/${MALWARE}/connections?limit=2&cursor=${first.body.next_cursor ?? ''}`);
      expect(second.body.referred_by.map((r) => r.object.id)).toEqual([INDICATES]);
    });
  });

  interface GraphBody {
    readonly root: string;
    readonly nodes: readonly (Summary & { key: string; hop: number })[];
    readonly edges: readonly { source: string; target: string; label: string }[];
    readonly truncated: boolean;
  }

  describe('GET /api/v1/objects/{id}/graph', () => {
    it('draws two hops both ways; an unshared node is a bare key with no id, type, title or owner', async () => {
      const { status, body, text } = await get<GraphBody>(h.b.readKey, `/api/v1/objects/${MALWARE}/graph`);
      expect(status).toBe(200);
      const hidden = body.nodes.filter((n) => !n.shared);
      expect(hidden).toEqual([{ shared: false, key: 'hidden-1', hop: 1 }]);
      expect(body.nodes.filter((n) => n.shared).map((n) => [n.key, n.hop]).sort()).toEqual([
        [MALWARE, 0],
        [NOTE, 1],
        [OPINION, 2],
        [REPORT, 1],
      ].sort());
      expect([...body.edges].sort((a, b) => `${a.source}${a.target}`.localeCompare(`${b.source}${b.target}`))).toEqual(
        [
          { source: 'hidden-1', target: MALWARE, label: 'indicates' },
          { source: NOTE, target: MALWARE, label: 'refers to' },
          { source: OPINION, target: REPORT, label: 'refers to' },
          { source: REPORT, target: MALWARE, label: 'refers to' },
          { source: REPORT, target: 'hidden-1', label: 'refers to' },
        ].sort((a, b) => `${a.source}${a.target}`.localeCompare(`${b.source}${b.target}`)),
      );
      // Nothing of A's indicator leaves, not even its id: B's own sighting of it is not reached either.
      expect(text).not.toContain(PHISHING_ID);
      expect(text).not.toContain(HIDDEN_NAME);
      expect(text).not.toContain(SIGHTING);
      expect(body.truncated).toBe(false);
    });

    it('stops at one hop when asked, refuses other depths, and answers 404 for an object the reader may not see', async () => {
      const one = await get<GraphBody>(h.b.readKey, `/api/v1/objects/${MALWARE}/graph?hops=1`);
      expect(one.body.nodes.map((n) => n.key)).not.toContain(OPINION);
      expect((await get(h.b.readKey, `/api/v1/objects/${MALWARE}/graph?hops=3`)).status).toBe(400);
      expect((await get(h.b.readKey, `/api/v1/objects/${PHISHING_ID}/graph`)).status).toBe(404);
    });
  });

  describe('POST /api/v1/export/selection', () => {
    const exportSelection = (key: string, payload: unknown) => h.app.inject({ method: 'POST', url: '/api/v1/export/selection', headers: bearer(key), payload: payload as object });

    it('returns a STIX bundle of the chosen objects the reader may see, in the order chosen', async () => {
      const res = await exportSelection(h.b.readKey, { ids: [REPORT, PHISHING_ID, MALWARE, REPORT], format: 'stix' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/stix\+json;\s*version="?2\.1/);
      expect(res.headers['content-disposition']).toBe('attachment; filename="rampart-selection-2024-11-06.json"');
      const bundle = res.json<{ type: string; objects: { id: string }[] }>();
      expect(bundle.type).toBe('bundle');
      expect(bundle.objects.map((o) => o.id)).toEqual([REPORT, MALWARE]);
      const none = (await exportSelection(h.b.readKey, { ids: [PHISHING_ID], format: 'stix' })).json<Record<string, unknown>>();
      expect(Object.keys(none).sort()).toEqual(['id', 'type']);
    });

    it('returns CSV with the documented columns, one row per object the reader may see', async () => {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/export/selection', headers: { ...bearer(h.b.readKey), accept: 'text/csv' }, payload: { ids: [MALWARE, PHISHING_ID, NOTE], format: 'csv' } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const lines = res.body.trimEnd().split('\r\n');
      expect(lines[0]).toBe(CSV_COLUMNS.join(','));
      expect(lines.slice(1)).toEqual([
        `${MALWARE},malware,PollPest loader (fictional),green,${ORG_B},,${T},${T},false,,,`,
        `${NOTE},note,Seen in two counties,green,${ORG_B},,${T},${T},false,,,`,
      ]);
    });

    it('refuses an empty or oversized selection and an unknown format with 400', async () => {
      for (const payload of [{ ids: [], format: 'csv' }, { ids: [MALWARE], format: 'xml' }, { ids: Array.from({ length: 1001 }, () => MALWARE), format: 'stix' }, { ids: ['not-an-id'], format: 'csv' }, { format: 'csv' }]) {
        const res = await exportSelection(h.b.readKey, payload);
        expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
      }
    });
  });

  describe('POST /api/v1/titles', () => {
    it('titles the objects the reader may see, sightings included, and leaves the others out', async () => {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/titles', headers: bearer(h.b.readKey), payload: { ids: [SIGHTING, PHISHING_ID, MALWARE] } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        items: [
          { id: SIGHTING, title: 'Sighting of an indicator not shared with you on 2024-11-05' },
          { id: MALWARE, title: 'PollPest loader (fictional)' },
        ],
      });
      const bad = await h.app.inject({ method: 'POST', url: '/api/v1/titles', headers: bearer(h.b.readKey), payload: { ids: [] } });
      expect(bad.statusCode).toBe(400);
    });
  });

  describe('CSV cells', () => {
    it('quotes what needs quoting and defuses spreadsheet formulas', () => {
      expect(csvCell('plain')).toBe('plain');
      expect(csvCell('a, "b"')).toBe('"a, ""b"""');
      expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
      expect(csvCell('=HYPERLINK("http://x.example")')).toBe('"\'=HYPERLINK(""http://x.example"")"');
      expect(csvCell('+1')).toBe("'+1");
      expect(csvCell('@sum')).toBe("'@sum");
    });

    it('names owners through the directory', async () => {
      const reader: MemberReader = { kind: 'member', orgId: ORG_B, userId: null, keys: ['community', `org:${ORG_B}`] };
      const selection = await selectedObjects({ stix: store.stix }, reader, [MALWARE]);
      if (!selection.ok) throw new Error(selection.error.message);
      const csv = await selectionCsv(selection.value, (id) => Promise.resolve(id === ORG_B ? 'Cook County, "Clerk"' : null));
      expect(csv.split('\r\n')[1]).toContain(`,${ORG_B},"Cook County, ""Clerk""",`);
    });
  });
});
