import { afterEach, describe, expect, it } from 'vitest';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { harness, type Harness } from '../../test/helpers/http.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('request limits', () => {
  it('answers a client over its limit with 429 problem+json and Retry-After, counting each client apart and never /healthz', async () => {
    h = await harness({ stix: memoryStixStore(), config: { rateLimits: { perMinute: 3, signInPerMinute: 0 } } });
    const { app, a, b } = h;
    const me = (key: string) => app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key}` } });
    for (let i = 0; i < 3; i++) expect((await me(a.readKey)).statusCode).toBe(200);
    const over = await me(a.readKey);
    expect(over.statusCode).toBe(429);
    expect(over.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(over.json()).toMatchObject({ status: 429, code: 'too-many-requests' });
    expect(over.json<{ detail: string }>().detail).toMatch(/^Too many requests from you in the last minute; wait \d+ seconds? and try again$/);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Another organization's key, and the same organization's other key (its person), count apart: a member is its user.
    expect((await me(b.readKey)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('limits sign-in attempts per address more strictly, whether they succeed or not', async () => {
    h = await harness({ stix: memoryStixStore(), config: { rateLimits: { perMinute: 100, signInPerMinute: 2 } } });
    const { app, a } = h;
    const signIn = (password: string) => app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: a.email, password } });
    expect((await signIn('wrong')).statusCode).toBe(401);
    expect((await signIn(a.password)).statusCode).toBe(200);
    const over = await signIn(a.password);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ code: 'too-many-sign-ins' });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Other API requests from the same address are not held back by the sign-in limit.
    expect((await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${a.readKey}` } })).statusCode).toBe(200);
  });
});
