import { afterEach, describe, expect, it } from 'vitest';
import { memoryStixStore } from '../../test/helpers/memory-stix-store.ts';
import { harness, type Harness } from '../../test/helpers/http.ts';
import type { StixStore } from '../store/types.ts';
import { createLogger } from './logger.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A logger writing JSON lines into an array, as the server writes them to standard output. */
async function capture() {
  const lines: string[] = [];
  const { logger } = await createLogger({ level: 'info', pretty: false, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('request logs', () => {
  it('writes one line per request with its id, and an error with its stack and the request id it answered with, never a password, key or cookie', async () => {
    const log = await capture();
    const broken: StixStore = { ...memoryStixStore(), list: () => Promise.reject(new Error('disk on fire')), listCounted: () => Promise.reject(new Error('disk on fire')) };
    h = await harness({ stix: broken, logger: log.logger });
    const { app, a } = h;

    const signIn = await app.inject({ method: 'POST', url: '/api/v1/session?next=/intel', payload: { email: a.email, password: a.password } });
    expect(signIn.statusCode).toBe(200);
    const cookie = signIn.cookies.find((c) => c.name === 'rampart_session')?.value ?? '';
    expect(cookie).not.toBe('');
    await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: a.email, password: 'a wrong password', totp: '424242' } });
    const failed = await app.inject({ method: 'GET', url: '/api/v1/objects', headers: { authorization: `Bearer ${a.readKey}`, cookie: `rampart_session=${cookie}` } });
    expect(failed.statusCode).toBe(500);

    const records = log.records();
    const requests = records.filter((r) => r['msg'] === 'request' || r['msg'] === 'request failed');
    expect(requests.map((r) => [r['method'], r['path'], r['status']])).toEqual([
      ['POST', '/api/v1/session', 200],
      ['POST', '/api/v1/session', 401],
      ['GET', '/api/v1/objects', 500],
    ]);
    const ids = requests.map((r) => r['request_id']);
    expect(new Set(ids).size).toBe(3);
    expect(signIn.headers['x-request-id']).toBe(ids[0]);

    const error = records.find((r) => r['msg'] === 'unexpected error');
    const err = error?.['err'] as { message?: string; stack?: string } | undefined;
    expect(err?.message).toBe('disk on fire');
    expect(err?.stack).toContain('Error: disk on fire\n    at ');
    expect(error?.['request_id']).toBe(ids[2]);
    expect((error?.['request'] as { headers: Record<string, string> }).headers).toMatchObject({ authorization: '[redacted]', cookie: '[redacted]' });
    expect(failed.json<{ detail: string }>().detail).toContain(`it has been logged (request ${String(ids[2])})`);

    const all = log.lines.join('\n');
    for (const secret of [a.password, 'a wrong password', '424242', a.readKey, cookie, 'next=']) expect(all).not.toContain(secret);
  });

  it('redacts secrets wherever a logged object holds them', async () => {
    const log = await capture();
    log.logger.info({ password: 'p1', body: { new_password: 'p2', totp: '123456', api_key: 'k1' }, request: { headers: { authorization: 'Bearer k2', cookie: 'c1', 'x-csrf-token': 't1' } }, res: { headers: { 'set-cookie': 'c2' } } }, 'something');
    const line = log.lines.join('');
    for (const secret of ['p1', 'p2', '123456', 'k1', 'k2', 'c1', 't1', 'c2']) expect(line).not.toContain(`"${secret}`);
    expect(line).toContain('[redacted]');
  });

  it('writes nothing below its level', async () => {
    const lines: string[] = [];
    const { logger } = await createLogger({ level: 'warn', pretty: false, destination: { write: (line: string) => void lines.push(line) } });
    logger.info('routine');
    logger.warn('unusual');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['unusual']);
  });
});
