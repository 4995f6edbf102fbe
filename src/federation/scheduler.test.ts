import { afterEach, describe, expect, it } from 'vitest';
import type { OrgId } from '../domain/ids.ts';
import { ok, type Result } from '../domain/result.ts';
import { openStore, type RampartStore } from '../store/index.ts';
import { federationRepository, type FederationRepository, type FeedRecord } from '../store/federation.ts';
import { testDatabase, type TestDatabase } from '../../test/helpers/store.ts';
import type { FederationError } from './pull.ts';
import type { FeedRunSummary } from './runner.ts';
import { feedScheduler, type Timers } from './scheduler.ts';

const ORG = 'identity--0000000a-0000-4000-8000-000000000000' as OrgId;
const SUMMARY: FeedRunSummary = { direction: 'push', push: { envelopes: 0, sent: 0, succeeded: 0, failed: 0, pending: 0, failures: [], addedUs: null } };

function feed(id: string, intervalSeconds: number): FeedRecord {
  return { id, orgId: ORG, name: id, url: 'https://remote.example/taxii2/', collection: 'c', direction: 'push', credentialRef: 'none', intervalSeconds, audience: ['community'], types: null, createdAt: '2026-11-01T00:00:00.000Z', lastRunAt: null, lastStatus: null, lastMessage: null };
}

let opened: { store: RampartStore; db: TestDatabase } | null = null;
afterEach(async () => {
  await opened?.store.close();
  await opened?.db.drop();
  opened = null;
});

async function repo(): Promise<FederationRepository> {
  const db = testDatabase('sqlite');
  const store = await openStore({ url: db.url });
  opened = { store, db };
  return federationRepository(store.database);
}

/** A clock and interval timer the test moves by hand. */
function manualTime(start: string) {
  let now = Date.parse(start);
  let tick: (() => void) | null = null;
  const timers: Timers = {
    setInterval: (fn) => {
      tick = fn;
      return 1;
    },
    clearInterval: () => {
      tick = null;
    },
  };
  return { clock: { now: () => new Date(now) }, timers, advance: (s: number) => (now += s * 1000), fire: () => tick?.(), started: () => tick !== null };
}

describe('feed scheduler', () => {
  it('runs a feed when it is due, never twice at once, and records each outcome', async () => {
    const r = await repo();
    await r.addFeed(feed('a', 60));
    const time = manualTime('2026-11-05T08:00:00.000Z');
    const gates: (() => void)[] = [];
    let runs = 0;
    const run = (): Promise<Result<FeedRunSummary, FederationError>> => {
      runs++;
      return new Promise((resolve) => gates.push(() => resolve(ok(SUMMARY))));
    };
    const s = feedScheduler({ repo: r, run, clock: time.clock, timers: time.timers });
    s.start();
    expect(time.started()).toBe(true);

    const first = s.tick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(1);
    expect(s.isRunning('a')).toBe(true);
    // Overlap refused: another tick and a manual run while the first is in flight start nothing.
    time.advance(600);
    await s.tick();
    expect(runs).toBe(1);
    expect(await s.runNow('a')).toMatchObject({ ok: false, error: { code: 'feed-running' } });
    gates.shift()?.();
    await first;
    expect(s.isRunning('a')).toBe(false);
    expect(await r.feed('a')).toMatchObject({ lastStatus: 'ok', lastRunAt: '2026-11-05T08:00:00.000Z', lastMessage: 'pushed 0 objects in 0 envelopes: 0 accepted, 0 failed, 0 pending' });

    // Not due 30 s after its last run; due after its 60 s interval.
    time.advance(-570);
    await s.tick();
    expect(runs).toBe(1);
    time.advance(60);
    const second = s.tick();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(2);
    gates.shift()?.();
    await second;
    await s.stop();
    expect(time.started()).toBe(false);
  });

  it('records a crashed run as an error and goes on with the other feeds', async () => {
    const r = await repo();
    await r.addFeed(feed('bad', 60));
    await r.addFeed(feed('good', 60));
    const time = manualTime('2026-11-05T08:00:00.000Z');
    const s = feedScheduler({
      repo: r,
      clock: time.clock,
      timers: time.timers,
      run: (f) => (f.id === 'bad' ? Promise.reject(new Error('boom')) : Promise.resolve(ok(SUMMARY))),
    });
    await s.tick();
    expect(await r.feed('bad')).toMatchObject({ lastStatus: 'error', lastMessage: 'feed-run-crashed: boom' });
    expect(await r.feed('good')).toMatchObject({ lastStatus: 'ok' });
    expect(await s.runNow('missing')).toMatchObject({ ok: false, error: { code: 'feed-not-found' } });
  });
});

describe('feed scheduler timer', () => {
  it('starts due feeds on each interval without waiting for a slow one', async () => {
    const r = await repo();
    await r.addFeed(feed('slow', 60));
    await r.addFeed(feed('quick', 60));
    const time = manualTime('2026-11-05T08:00:00.000Z');
    let release: () => void = () => undefined;
    const started: string[] = [];
    const s = feedScheduler({
      repo: r,
      clock: time.clock,
      timers: time.timers,
      run: (f) => {
        started.push(f.id);
        return f.id === 'slow' ? new Promise((resolve) => (release = () => resolve(ok(SUMMARY)))) : Promise.resolve(ok(SUMMARY));
      },
    });
    s.start();
    time.fire();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(started.sort()).toEqual(['quick', 'slow']);
    // A minute later the quick feed is due again and runs while the slow one is still going.
    time.advance(61);
    time.fire();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(started.filter((id) => id === 'quick')).toHaveLength(2);
    expect(started.filter((id) => id === 'slow')).toHaveLength(1);
    release();
    await s.stop();
    expect(await r.feed('slow')).toMatchObject({ lastStatus: 'ok' });
  });
});
