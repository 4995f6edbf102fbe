import { err, type Result } from '../domain/result.ts';
import type { FederationRepository, FeedRecord } from '../store/federation.ts';
import type { FederationError } from './pull.ts';
import { describeRun, type FeedRunSummary } from './runner.ts';

export interface SchedulerClock {
  now(): Date;
}

/** Timer functions, injected so tests drive time themselves. */
export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface SchedulerDeps {
  readonly repo: FederationRepository;
  readonly run: (feed: FeedRecord) => Promise<Result<FeedRunSummary, FederationError>>;
  readonly clock: SchedulerClock;
  /** How often due feeds are looked for (default 15 s). */
  readonly tickMs?: number;
  readonly timers?: Timers;
  /** Told about every finished run (logs). */
  readonly onRun?: (feed: FeedRecord, result: Result<FeedRunSummary, FederationError>) => void;
}

export interface FeedScheduler {
  /** Starts looking for due feeds every tick. */
  start(): void;
  /** Stops ticking and waits for runs in flight. */
  stop(): Promise<void>;
  /** Runs every feed that is due now (what each tick does); resolves when they are done. */
  tick(): Promise<void>;
  /** Runs one feed now, unless it is already running (code feed-running). */
  runNow(feedId: string): Promise<Result<FeedRunSummary, FederationError>>;
  isRunning(feedId: string): boolean;
}

function due(feed: FeedRecord, now: Date): boolean {
  if (feed.lastRunAt === null) return true;
  return now.getTime() - Date.parse(feed.lastRunAt) >= feed.intervalSeconds * 1000;
}

/**
 * Runs pull and push feeds on their interval. A feed never runs twice at once: a tick skips a feed in
 * flight and runNow refuses it, so a slow remote cannot pile up overlapping pulls.
 */
export function feedScheduler(deps: SchedulerDeps): FeedScheduler {
  const running = new Map<string, Promise<Result<FeedRunSummary, FederationError>>>();
  const timers: Timers = deps.timers ?? { setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
  let handle: unknown = null;
  let ticking: Promise<void> | null = null;

  const launch = (feed: FeedRecord): Promise<Result<FeedRunSummary, FederationError>> => {
    const startedAt = deps.clock.now().toISOString();
    const work = (async () => {
      let result: Result<FeedRunSummary, FederationError>;
      try {
        result = await deps.run(feed);
      } catch (error) {
        // A bug in a run must not stop the other feeds; it is recorded on the feed and logged.
        result = err({ code: 'feed-run-crashed', message: error instanceof Error ? error.message : String(error) });
      }
      await deps.repo.recordRun(feed.id, startedAt, result.ok ? 'ok' : 'error', describeRun(result));
      deps.onRun?.(feed, result);
      return result;
    })().finally(() => running.delete(feed.id));
    running.set(feed.id, work);
    return work;
  };

  /** Starts every due feed that is not running; resolves once they are started, with their runs. */
  const launchDue = async (): Promise<Promise<unknown>[]> => {
    const now = deps.clock.now();
    const feeds = await deps.repo.feeds();
    return feeds.filter((f) => !running.has(f.id) && due(f, now)).map((f) => launch(f));
  };
  const tick = async (): Promise<void> => {
    await Promise.all(await launchDue());
  };

  return {
    start() {
      if (handle !== null) return;
      handle = timers.setInterval(() => {
        if (ticking !== null) return;
        // Only the look-up is awaited: a slow feed must not hold back the others' schedule.
        ticking = launchDue()
          .then(() => undefined, () => undefined)
          .finally(() => {
            ticking = null;
          });
      }, deps.tickMs ?? 15_000);
    },
    async stop() {
      if (handle !== null) timers.clearInterval(handle);
      handle = null;
      await ticking;
      await Promise.all([...running.values()]);
    },
    tick,
    async runNow(feedId) {
      if (running.has(feedId)) return err({ code: 'feed-running', message: `feed ${feedId} is running now; wait for it to finish` });
      const feed = await deps.repo.feed(feedId);
      if (feed === null) return err({ code: 'feed-not-found', message: `no feed ${feedId}` });
      return launch(feed);
    },
    isRunning: (feedId) => running.has(feedId),
  };
}
