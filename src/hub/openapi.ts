import { openStore } from '../store/index.ts';
import { RAMPART_IDENTITY_ID } from '../stix/rampart-extension.ts';
import { parseOrgId } from '../domain/ids.ts';
import { composeHub } from './compose.ts';

/**
 * The REST API's OpenAPI document as the code declares it: every feature composed over an empty
 * in-memory store, default limits. `npm run openapi` commits it as docs/openapi.json, the web
 * client's types are generated from that file, and test/openapi.test.ts fails when they drift.
 */
export async function openApiDocument(): Promise<string> {
  const hubOwner = parseOrgId(RAMPART_IDENTITY_ID);
  if (!hubOwner.ok) throw new Error(hubOwner.error.message);
  const store = await openStore({ url: ':memory:' });
  try {
    const hub = await composeHub({ store, hubOwner: hubOwner.value, taxiiSecret: 'openapi' });
    try {
      await hub.app.ready();
      return `${JSON.stringify(hub.app.swagger(), null, 2)}\n`;
    } finally {
      await hub.app.close();
    }
  } finally {
    await store.close();
  }
}
