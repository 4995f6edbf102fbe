import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/hub/openapi.ts';
import { OPENAPI_FILE, WEB_TYPES_FILE, webTypesOf } from '../scripts/openapi-types.ts';

describe('the committed API contract', () => {
  it('docs/openapi.json is the document the code declares, and web/src/api-types.ts is generated from it (run `npm run openapi` after changing a route)', async () => {
    const doc = await openApiDocument();
    expect(doc, 'docs/openapi.json differs from the routes: run npm run openapi and commit both files').toBe(await readFile(OPENAPI_FILE, 'utf8'));
    expect(await webTypesOf(doc), 'web/src/api-types.ts is stale: run npm run openapi').toBe(await readFile(WEB_TYPES_FILE, 'utf8'));
  });

  it('names every route of the API with its responses', async () => {
    const doc = JSON.parse(await openApiDocument()) as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
    for (const path of ['/api/v1/objects', '/api/v1/objects/{id}', '/api/v1/import', '/api/v1/export', '/api/v1/dashboard', '/api/v1/match', '/api/v1/me']) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) expect(Object.keys(operation.responses ?? {}), `${method} ${path}`).not.toHaveLength(0);
    }
  });
});
