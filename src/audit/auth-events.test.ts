import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OrgId, UserId } from '../domain/ids.ts';
import { openDatabase, type Database } from '../store/db.ts';
import { migrateToLatest } from '../store/migrations/index.ts';
import { testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import { createAuditLog } from './audit-log.ts';
import { auditAuthEvents } from './auth-events.ts';

const ORG = 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId;
const USER = '11111111-0000-4000-8000-000000000000' as UserId;

describe('auditAuthEvents', () => {
  let test: TestDatabase;
  let database: Database<unknown>;
  beforeEach(async () => {
    test = testDatabase('sqlite');
    database = await openDatabase<unknown>(test.url);
    await migrateToLatest(database.db);
  });
  afterEach(async () => {
    await database.close();
    await test.drop();
  });

  it('records sign-ins, failures and key events in the organization trail', async () => {
    const log = createAuditLog({ database }, { now: () => new Date('2024-11-05T12:00:00.000Z') });
    const onEvent = auditAuthEvents(log);
    const at = new Date('2024-11-05T11:59:59.000Z');
    await onEvent({ type: 'sign-in-ok', at, orgId: ORG, userId: USER, actor: USER, ip: '192.0.2.1', detail: 'password+totp' });
    await onEvent({ type: 'sign-in-failed', at, orgId: ORG, userId: USER, actor: null, ip: '192.0.2.9', detail: 'wrong password' });
    await onEvent({ type: 'api-key-created', at, orgId: ORG, userId: USER, actor: USER, ip: null, detail: 'key rk_1' });
    const trail = await log.trail(ORG, 0, 10);
    expect(trail.map((e) => [e.action, e.actor_user])).toEqual([
      ['sign-in', USER],
      ['sign-in-failed', null],
      ['key-created', USER],
    ]);
    expect(trail[1]?.details).toEqual({ event: 'sign-in-failed', user: USER, ip: '192.0.2.9', detail: 'wrong password', event_at: '2024-11-05T11:59:59.000Z' });
  });
});
