import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { OrgId } from '../domain/ids.ts';
import type { Problem } from '../domain/problem.ts';
import { err, ok, type Result } from '../domain/result.ts';
import { importObjects, type ImportSummary } from '../ingest/import.ts';
import type { StixStore } from '../store/types.ts';

/** One bundle of the built-in knowledge base, shipped in kb/ with its licence beside it. */
export interface KnowledgeBaseBundle {
  readonly name: string;
  readonly path: string;
}

const KB = (file: string): string => fileURLToPath(new URL(`../../kb/${file}`, import.meta.url));

/** MITRE ATT&CK for ICS and Mobile (cyber techniques) and DISARM (influence techniques). */
export const KNOWLEDGE_BASE: readonly KnowledgeBaseBundle[] = [
  { name: 'MITRE ATT&CK for ICS', path: KB('attack/ics-attack-18.1.json') },
  { name: 'MITRE ATT&CK for Mobile', path: KB('attack/mobile-attack-17.1.json') },
  { name: 'DISARM', path: KB('disarm/DISARM.json') },
];

export interface KnowledgeBaseProgress {
  readonly bundle: string;
  readonly bytes: number;
  readonly totalBytes: number;
}

/**
 * Loads the knowledge base into the store as public, TLP:CLEAR reference data owned by its
 * publishers (each object's created_by_ref). Idempotent: a second load leaves everything unchanged.
 */
export async function loadKnowledgeBase(
  store: StixStore,
  options: { readonly hubOwner: OrgId; readonly onProgress?: (progress: KnowledgeBaseProgress) => void; readonly bundles?: readonly KnowledgeBaseBundle[] },
): Promise<Result<ReadonlyMap<string, ImportSummary>, Problem>> {
  const summaries = new Map<string, ImportSummary>();
  for (const bundle of options.bundles ?? KNOWLEDGE_BASE) {
    const totalBytes = (await stat(bundle.path)).size;
    const onProgress = options.onProgress;
    const result = await importObjects(store, createReadStream(bundle.path, { highWaterMark: 1 << 20 }), {
      hubOwner: options.hubOwner,
      tlp: 'clear',
      audience: ['public'],
      onConflict: 'replace',
      referenceData: true,
      ...(onProgress === undefined ? {} : { onBytes: (bytes: number) => onProgress({ bundle: bundle.name, bytes, totalBytes }) }),
    });
    if (!result.ok) return err(result.error);
    summaries.set(bundle.name, result.value);
  }
  return ok(summaries);
}
