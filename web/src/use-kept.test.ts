import { describe, expect, it } from 'vitest';
import type { Loadable } from './use-api.ts';
import { keptWhileReloading } from './use-kept.ts';

describe('what a page shows while it reads again', () => {
  const loading: Loadable<string> = { state: 'loading' };
  const kept = { key: 'election-1/55', value: 'Wisconsin at 09:00' };

  it('the last answer for the same route while the new one loads, then the new one', () => {
    expect(keptWhileReloading(kept, 'election-1/55', loading)).toEqual({ state: 'ready', value: 'Wisconsin at 09:00' });
    expect(keptWhileReloading(kept, 'election-1/55', { state: 'ready', value: 'Wisconsin at 09:05' })).toEqual({ state: 'ready', value: 'Wisconsin at 09:05' });
  });

  it('loading for another route (another state is never shown under this one’s name), and for the first read', () => {
    expect(keptWhileReloading(kept, 'election-1/17', loading)).toEqual(loading);
    expect(keptWhileReloading(null, 'election-1/55', loading)).toEqual(loading);
  });

  it('an error, not the old answer, when the new read fails', () => {
    const failed: Loadable<string> = { state: 'error', problem: { status: 503, title: 'Unavailable', detail: 'The hub is restarting.', code: 'unavailable', retryAfter: null, errors: [] } };
    expect(keptWhileReloading(kept, 'election-1/55', failed)).toEqual(failed);
  });
});
