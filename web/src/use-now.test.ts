import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatWhen } from './format.ts';
import { onServerClock, tickEvery } from './use-now.ts';

describe('one now for the election-day page, moved on every minute', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('the header, a row and Your status move together from the server’s time, by whole minutes and hours passed', () => {
    // The server dated the page 09:00:00; the browser, 30 seconds slow, read it at 08:59:30 by its own clock.
    const generated = '2026-11-03T09:00:00.000Z';
    vi.setSystemTime(new Date('2026-11-03T08:59:30.000Z'));
    const readAt = Date.now();
    const rowReported = '2026-11-03T08:59:50.000Z';
    const posted = '2026-11-03T07:30:00.000Z';
    let now = onServerClock(new Date(), generated, readAt);
    const page = () => [formatWhen(generated, now), formatWhen(rowReported, now), formatWhen(posted, now)];
    expect(page()).toEqual(['just now', 'just now', '1 hour ago']);

    const stop = tickEvery(60_000, (browserNow) => (now = onServerClock(browserNow, generated, readAt)));
    vi.advanceTimersByTime(60_000);
    expect(page()).toEqual(['1 min ago', '1 min ago', '1 hour ago']);
    // 10:29:00 on the server: Your status's 07:30 report has had three whole hours.
    vi.advanceTimersByTime(88 * 60_000);
    expect(page()).toEqual(['1 hour ago', '1 hour ago', '2 hours ago']);
    vi.advanceTimersByTime(60_000);
    expect(page()).toEqual(['1 hour ago', '1 hour ago', '3 hours ago']);
    vi.advanceTimersByTime(30 * 60_000);
    expect(page()).toEqual(['2 hours ago', '2 hours ago', '3 hours ago']);

    stop();
    vi.advanceTimersByTime(3 * 3_600_000);
    expect(page()).toEqual(['2 hours ago', '2 hours ago', '3 hours ago']);
  });

  it('a report just posted never reads as in the future: not on a slow browser, nor before the first tick after a read', () => {
    const generated = '2026-11-03T09:00:00.000Z';
    const justPosted = '2026-11-03T08:59:58.000Z';
    // The last tick came 50 seconds before the browser read the page; its clock is right.
    const readAt = Date.parse('2026-11-03T09:00:00.000Z');
    expect(formatWhen(justPosted, onServerClock(new Date(readAt - 50_000), generated, readAt))).toBe('just now');
    // A browser two minutes slow.
    const slowReadAt = Date.parse('2026-11-03T08:58:00.000Z');
    expect(formatWhen(justPosted, onServerClock(new Date(slowReadAt), generated, slowReadAt))).toBe('just now');
    expect(formatWhen(justPosted, onServerClock(new Date(slowReadAt + 5 * 60_000), generated, slowReadAt))).toBe('5 min ago');
  });

  it('a server time that is not a date leaves the browser’s', () => {
    const browserNow = new Date('2026-11-03T09:00:00.000Z');
    expect(onServerClock(browserNow, 'not a date', browserNow.getTime())).toBe(browserNow);
  });
});
