import { randomUUID } from 'node:crypto';
import type { OrgId } from '../domain/ids.ts';
import { problem, type Problem, type ProblemDetail } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { importObjects, type ImportOptions, type ImportSummary } from '../ingest/import.ts';
import type { StixStore } from '../store/types.ts';
import { mispEventsOf } from './schema.ts';
import type { Distribution } from './sharing.ts';
import { builtInTechniques, type TechniqueIndex } from './techniques.ts';
import { mispToStix, type ImportNote } from './to-stix.ts';

/** Largest MISP file read (MISP JSON is parsed whole, unlike a streamed bundle). */
export const MISP_IMPORT_LIMIT = 64 * 1024 * 1024;

export interface MispImportOptions {
  /** Owner of everything imported: the uploader's organization (REST), or --owner / the hub (CLI). */
  readonly owner: OrgId;
  readonly hubOwner: OrgId;
  /** Rampart sharing groups the owner belongs to, by uuid: a MISP sharing group with one of these uuids maps to it. */
  readonly groups: ReadonlySet<string>;
  /** Distribution of events that state none (default 0, your organisation only). */
  readonly defaultDistribution?: Distribution;
  readonly onConflict?: ImportOptions['onConflict'];
  readonly techniques?: TechniqueIndex;
  readonly now: Date;
  readonly onBytes?: (total: number) => void;
}

export interface MispImportSummary extends ImportSummary {
  readonly events: number;
  /** Where sharing was narrowed, what was not carried, which techniques the knowledge base lacks. */
  readonly notes: readonly ImportNote[];
}

function parseJson(text: string): Result<unknown, Problem> {
  if (text.trim() === '') return err(problem('invalid', 'empty-input', 'The file is empty; send a MISP event in MISP JSON; nothing was stored'));
  try {
    return ok(JSON.parse(text));
  } catch (error) {
    return err(problem('invalid', 'malformed-json', `This is not JSON (${(error as Error).message}), so it cannot be a MISP event; nothing was stored`));
  }
}

/**
 * Imports MISP events (docs/misp.md): parsed and checked, converted to STIX 2.1 with each item's sharing
 * mapped from its distribution and TLP tags, then written through the bundle import pipeline, so each
 * object is validated like any upload and the file stores everything or nothing.
 */
export async function importMisp(store: StixStore, input: Buffer | string, options: MispImportOptions): Promise<Result<MispImportSummary, Problem>> {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (bytes.length > MISP_IMPORT_LIMIT) return err(problem('too-large', 'payload-too-large', `The file is larger than ${MISP_IMPORT_LIMIT} bytes; split it into smaller MISP files; nothing was stored`));
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  const doc = parseJson(text);
  if (!doc.ok) return doc;
  const events = mispEventsOf(doc.value);
  if (!events.ok) {
    const d = events.error;
    return err(problem('invalid', d.code, `${d.message}; nothing was stored`, [d]));
  }
  const converted = mispToStix(events.value, {
    owner: options.owner,
    groups: options.groups,
    techniques: options.techniques ?? (await builtInTechniques()),
    defaultDistribution: options.defaultDistribution ?? 0,
    now: options.now,
  });
  if (converted.problems.length > 0) {
    return err(problem('invalid', 'invalid-misp-event', `${converted.problems.length} problem${converted.problems.length === 1 ? '' : 's'} in the MISP events, so nothing was stored; fix them and import again`, converted.problems));
  }
  const bundle = `{"type":"bundle","id":"bundle--${randomUUID()}","objects":[\n${converted.objects.map((o) => JSON.stringify(o.object)).join(',\n')}\n]}`;
  const result = await importObjects(store, [bundle], {
    hubOwner: options.hubOwner,
    owner: options.owner,
    audienceFor: (id) => converted.audience.get(id),
    ...(options.onConflict === undefined ? {} : { onConflict: options.onConflict }),
    ...(options.onBytes === undefined ? {} : { onBytes: options.onBytes }),
  });
  const where = (d: ProblemDetail): ProblemDetail => {
    const m = /^\$\.objects\[(\d+)\](.*)$/.exec(d.path ?? '');
    const origin = m === null ? undefined : converted.objects[Number(m[1])]?.origin;
    if (m === null || origin === undefined) return d;
    const inside = m[2] === '' ? '' : ` (at ${m[2]?.slice(1)})`;
    return { ...d, path: origin, message: `${d.message}; in the ${d.id?.split('--')[0] ?? 'object'} made from this MISP item${inside}` };
  };
  if (!result.ok) {
    const e = result.error;
    const message = e.code === 'import-rejected' ? `${e.details?.length ?? 0} of the STIX objects made from the MISP events were rejected, so nothing was stored; fix the MISP items named and import again` : e.message;
    return err(problem(e.kind, e.code, message, e.details?.map(where)));
  }
  return ok({ ...result.value, rejections: result.value.rejections.map(where), events: events.value.length, notes: converted.notes });
}
