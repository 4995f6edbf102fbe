import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { SHARED_DATA } from './shared-data.ts';

/** The official OASIS STIX 2.1 JSON schemas shipped with the shared reference data. */
export const OASIS_DIR = path.join(SHARED_DATA, 'stix2-json-schemas');

// ajv-formats is CommonJS: under ESM its function sits on `default`.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface OasisVerdict {
  /** Which schema judged the object: its type's, or the common-property schema for custom types. */
  readonly schema: string | null;
  readonly errors: readonly string[];
}

export interface OasisValidator {
  validate(object: unknown): OasisVerdict;
  /** Object types with an official schema. */
  readonly types: ReadonlySet<string>;
}

const SPECIAL: Readonly<Record<string, string>> = {
  'marking-definition': 'common/marking-definition.json',
  'language-content': 'common/language-content.json',
  'extension-definition': 'common/extension-definition.json',
};

/** Loads every OASIS schema file into one ajv 2020 instance; `$ref`s resolve by the schemas' `$id`. */
export function loadOasisValidator(): OasisValidator {
  const ajv = new Ajv2020({ strict: false, unicodeRegExp: false, logger: false });
  addFormats(ajv);
  const byType = new Map<string, ValidateFunction>();
  const schemaOf = new Map<string, string>();
  const files: string[] = [];
  for (const folder of ['common', 'sdos', 'sros', 'observables']) {
    for (const file of readdirSync(path.join(OASIS_DIR, 'schemas', folder))) {
      if (file.endsWith('.json')) files.push(`${folder}/${file}`);
    }
  }
  for (const file of files) {
    ajv.addSchema(JSON.parse(readFileSync(path.join(OASIS_DIR, 'schemas', file), 'utf8')) as object);
  }
  const idOf = (file: string): string =>
    `http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/${file}`;
  for (const file of files) {
    const [folder, name] = file.split('/');
    if (folder === 'common' || name === undefined) continue;
    schemaOf.set(name.replace(/\.json$/, ''), file);
  }
  for (const [type, file] of Object.entries(SPECIAL)) schemaOf.set(type, file);
  for (const [type, file] of schemaOf) {
    const fn = ajv.getSchema(idOf(file));
    if (fn === undefined) throw new Error(`OASIS schema ${file} did not load`);
    byType.set(type, fn);
  }
  return {
    types: new Set(byType.keys()),
    validate(object: unknown): OasisVerdict {
      const type = typeof object === 'object' && object !== null ? (object as { type?: unknown }).type : undefined;
      if (typeof type !== 'string') return { schema: null, errors: ['/type is not a string'] };
      // Custom object types have no schema of their own: they must still meet the common-property schema.
      const schema = schemaOf.get(type) ?? (typeof object === 'object' && object !== null && 'created' in object ? 'common/core.json' : 'common/cyber-observable-core.json');
      const fn = byType.get(type) ?? ajv.getSchema(idOf(schema));
      if (fn === undefined) throw new Error(`OASIS schema ${schema} did not load`);
      const valid = fn(object);
      return {
        schema,
        errors: valid ? [] : (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`),
      };
    },
  };
}
