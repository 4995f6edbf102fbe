import type { OrgId } from '../../src/domain/ids.ts';
import { openDatabase } from '../../src/store/db.ts';
import { createAuditLog } from '../../src/audit/audit-log.ts';

// Tests only: a separate process appending `count` entries to the audit log at `url`, starting at epoch ms `startAt`
// so that two such processes overlap (node bin/run-ts.mjs this-file url count tag startAt).
const [url, count, tag, startAt] = process.argv.slice(2);
if (url === undefined || count === undefined || tag === undefined || startAt === undefined) throw new Error('usage: audit-append.ts <url> <count> <tag> <startAt>');
const database = await openDatabase<unknown>(url);
try {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const log = createAuditLog({ database });
  for (let i = 0; i < Number(count); i++) await log.record({ actorOrg: 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId, actorUser: null, action: 'read', details: { tag, i } });
} finally {
  await database.close();
}
