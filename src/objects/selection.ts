import { randomUUID } from 'node:crypto';
import type { OrgId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import { ok, type Result } from '../domain/result.ts';
import type { Reader } from '../store/types.ts';
import { servedText } from '../stix/tlp-marking.ts';
import { summarise, visibleRecords, type ConnectionsDeps, type SharedSummary } from './connections.ts';

/** The most ids one export may name: a page of a list, selected. */
export const MAX_SELECTION = 1000;

/** The columns of a CSV export, in order (docs/connections.md says what each holds). */
export const CSV_COLUMNS = ['id', 'type', 'title', 'tlp', 'owner', 'owner_name', 'created', 'modified', 'revoked', 'labels', 'pattern', 'description'] as const;

/**
 * The selected objects the reader may see, in the order asked, each once: the latest version of the record it may
 * see (its own first). Ids it may not see, or that do not exist, are left out, alike.
 */
export async function selectedObjects(deps: ConnectionsDeps, reader: Reader, ids: readonly string[]): Promise<Result<readonly SharedSummary[], Problem>> {
  const records = await visibleRecords(deps.stix, reader, ids);
  if (!records.ok) return records;
  const summaries = await summarise(deps, reader, records.value.values());
  if (!summaries.ok) return summaries;
  const out: SharedSummary[] = [];
  for (const id of new Set(ids)) {
    const s = summaries.value.get(id);
    if (s !== undefined) out.push(s);
  }
  return ok(out);
}

/**
 * A STIX 2.1 bundle of the selection: each object's stored bytes, unchanged but for the TLP marking of a version stored without one
 * (src/stix/tlp-marking.ts). STIX forbids an empty `objects`, so an empty selection has none.
 */
export function selectionBundle(selection: readonly SharedSummary[], newUuid: () => string = randomUUID): string {
  const head = `{"type":"bundle","id":"bundle--${newUuid()}"`;
  return selection.length === 0 ? `${head}}\n` : `${head},"objects":[\n${selection.map((s) => servedText(s.version.json, s.version.type, s.version.sharing.tlp)).join(',\n')}\n]}\n`;
}

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; a cell a spreadsheet would read as a
 * formula (starting with = + - @ or a tab) gets a leading apostrophe, so opening the file runs nothing.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The selection as CSV with a header row (CSV_COLUMNS), one row per object, CRLF line ends. */
export async function selectionCsv(selection: readonly SharedSummary[], orgName: ((id: OrgId) => Promise<string | null>) | undefined): Promise<string> {
  const names = new Map<OrgId, string>();
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of selection) {
    if (!names.has(s.owner)) names.set(s.owner, (orgName === undefined ? null : await orgName(s.owner)) ?? '');
    const object = JSON.parse(s.version.json) as Record<string, unknown>;
    const labels = Array.isArray(object['labels']) ? object['labels'].filter((l): l is string => typeof l === 'string').join(';') : '';
    const row: Record<(typeof CSV_COLUMNS)[number], string> = {
      id: s.id,
      type: s.type,
      title: s.title ?? '',
      tlp: s.tlp,
      owner: s.owner,
      owner_name: names.get(s.owner) ?? '',
      created: text(object['created']),
      modified: text(object['modified']),
      revoked: s.revoked ? 'true' : 'false',
      labels,
      pattern: text(object['pattern']),
      description: text(object['description']),
    };
    lines.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
