import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../src/hub/compose.ts';
import { composedHub, type ComposedHub } from './helpers/composed-hub.ts';

/** The composed hub with request limits, as `rampart serve` sets them: TAXII clients over the limit get TAXII's own error. */
describe('request limits on the composed hub', () => {
  let composed: ComposedHub;
  let hub: Hub;
  let key = '';

  beforeAll(async () => {
    composed = await composedHub({ http: { rateLimits: { perMinute: 2, signInPerMinute: 5 } } });
    ({ hub } = composed);
    key = (await composed.person(await composed.state('55'), 'poller', 'analyst', 'read')).key;
  });
  afterAll(() => composed.close());

  it('answers the third TAXII request in a minute with a 429 TAXII error and Retry-After', async () => {
    const discovery = () => hub.app.inject({ method: 'GET', url: '/taxii2/', headers: { authorization: `Bearer ${key}`, accept: 'application/taxii+json;version=2.1' } });
    expect((await discovery()).statusCode).toBe(200);
    expect((await discovery()).statusCode).toBe(200);
    const over = await discovery();
    expect(over.statusCode).toBe(429);
    expect(over.headers['content-type']).toContain('application/taxii+json');
    expect(over.json()).toMatchObject({ http_status: '429', error_code: 'too-many-requests' });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // The web UI's files and /healthz are not counted.
    expect((await hub.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
