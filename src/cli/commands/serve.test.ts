import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RAMPART_BIN, startServe, stopServe } from '../../../test/helpers/serve.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The key file beside the database is what these tests expect, whatever the caller's environment says.
const { RAMPART_SECRET_KEY: _callerKey, ...ENV } = process.env;

function run(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
  return spawnSync(process.execPath, [RAMPART_BIN, ...args], { encoding: 'utf8', env: { ...ENV, RAMPART_DATABASE_URL: path.join(dir, 'refused.sqlite'), ...env } });
}

describe('rampart serve', () => {
  it('refuses unusable flags with exit 2 and a reason', () => {
    const port = run(['serve', '--port', 'eighty']);
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('--port: "eighty" is not a port number');
    const plain = run(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain('Refusing plain HTTP on 0.0.0.0');
    const half = run(['serve', '--tls-cert', 'cert.pem']);
    expect(half.status).toBe(2);
    expect(half.stderr).toContain('give both --tls-cert and --tls-key');
    const key = run(['serve', '--port', '0'], { RAMPART_SECRET_KEY: 'correct horse battery staple' });
    expect(key.status).toBe(2);
    expect(key.stderr).toContain('RAMPART_SECRET_KEY: the value given is not a 32-byte key: give 64 hex digits or 44 characters of base64');
    const limit = run(['serve', '--port', '0'], { RAMPART_MATCH_UPLOAD_LIMIT: '2GB' });
    expect(limit.status).toBe(2);
    expect(limit.stderr).toBe('RAMPART_MATCH_UPLOAD_LIMIT: "2GB" is not a number of bytes; give a whole number such as 2147483648 (2 GiB), or unset it for the default\n');
  });

  it.skipIf(process.platform === 'win32')('will not keep its key and demo passwords beside a database in a folder every user may write (as /tmp)', () => {
    const shared = path.join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const refused = run(['serve', '--port', '0', '--demo', '--db', path.join(shared, 'x.sqlite')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${shared} can be written by every user of this machine, so Rampart will not keep secret.key and demo-credentials.json there beside the database.`);
    expect(refused.stderr).toContain(`--db ${shared}/rampart/rampart.sqlite`);
    expect(existsSync(path.join(shared, 'secret.key'))).toBe(false);
    expect(existsSync(path.join(shared, 'demo-credentials.json'))).toBe(false);
  });

  it('seeds, loads the knowledge base and the demo, serves, lets a demo person sign in, and stops on SIGTERM', async () => {
    const db = path.join(dir, 'hub.sqlite');
    const served = await startServe({ db, env: ENV, args: ['--demo'] });
    const { url } = served;
    try {
      expect(served.stderr()).toContain('seeded 66 organizations');
      const keyFile = path.join(dir, 'secret.key');
      expect(served.stderr()).toContain(`secret key: new, written to ${keyFile} (key id `);
      if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(served.stderr()).toMatch(/knowledge base: [\d,]+ objects/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const credentials = JSON.parse(readFileSync(path.join(dir, 'demo-credentials.json'), 'utf8')) as Record<string, string>;
      const email = 'clerk@demoville.example';
      expect(served.stdout()).toContain(email);
      const signIn = await fetch(`${url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: credentials[email] }) });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? '';
      const indicators = await fetch(`${url}/api/v1/objects?type=indicator&limit=50`, { headers: { cookie } });
      expect(indicators.status).toBe(200);
      const body = (await indicators.json()) as { items: { name?: string }[] };
      expect(body.items.some((i) => i.name?.includes('(fictional)') === true)).toBe(true);
      const taxii = await fetch(`${url}/taxii2/`, { headers: { cookie, accept: 'application/taxii+json;version=2.1' } });
      expect(taxii.status).toBe(200);
      // One JSON line per request on standard output (not a terminal here), with the id the response carried.
      const requestLine = () => served.stdout().split('\n').slice(0, -1).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'request' && l['path'] === '/taxii2/');
      // Written once the answer has gone: wait for it to arrive on the pipe.
      for (let waited = 0; requestLine() === undefined && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      const line = requestLine();
      expect(line).toMatchObject({ method: 'GET', status: 200, request_id: taxii.headers.get('x-request-id') });
    } finally {
      expect(await stopServe(served)).toBe(0);
    }
  }, 120_000);
});
