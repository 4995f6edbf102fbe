// `npm run openapi`: writes docs/openapi.json from the code and web/src/api-types.ts from it.
import { writeFile } from 'node:fs/promises';
import { openApiDocument } from '../src/hub/openapi.ts';
import { OPENAPI_FILE, WEB_TYPES_FILE, webTypesOf } from './openapi-types.ts';

const doc = await openApiDocument();
await writeFile(OPENAPI_FILE, doc);
await writeFile(WEB_TYPES_FILE, await webTypesOf(doc));
console.log(`wrote ${OPENAPI_FILE} and ${WEB_TYPES_FILE}`);
