import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shared reference data (OASIS STIX schemas and examples, ATT&CK, DISARM, TLP markings): beside
 * the checkout as ../shared/data, or where RAMPART_SHARED_DATA says (a clone elsewhere, e.g. CI's).
 */
function findSharedData(): string {
  const candidates = [process.env['RAMPART_SHARED_DATA'], path.resolve(repo, '../shared/data'), '/work/shared/data'];
  const found = candidates.find((c): c is string => c !== undefined && existsSync(path.join(c, 'stix2-json-schemas')));
  if (found === undefined) throw new Error(`the shared reference data is missing: looked in ${candidates.filter((c) => c !== undefined).join(', ')}; set RAMPART_SHARED_DATA`);
  return found;
}

export const SHARED_DATA = findSharedData();
