import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RAMPART_BIN } from '../../test/helpers/cli.ts';
import { loadConfig, SETTINGS } from './settings.ts';

describe('the configuration schema', () => {
  it('fills in the defaults when nothing is set, and an empty variable counts as unset', () => {
    const config = loadConfig({ RAMPART_PORT: '' });
    expect(config.ok && config.value).toMatchObject({ databaseUrl: './data/rampart.sqlite', host: '127.0.0.1', port: 8080, allowPlainHttp: false, trustProxy: false, logLevel: 'info', matchUploadLimit: 1073741824, rateLimit: 1200, signInRateLimit: 20 });
    expect(config.ok && config.value.secretKey).toBeUndefined();
  });

  it('reads every kind of value, and a flag wins over its variable', () => {
    const config = loadConfig(
      { RAMPART_PORT: '9000', RAMPART_ALLOW_PLAIN_HTTP: 'yes', RAMPART_TRUST_PROXY: '10.0.0.0/8, 192.0.2.7', RAMPART_LOG_LEVEL: 'debug', RAMPART_NATS_URL: 'nats://a:4222,nats://b:4222', RAMPART_SECRET_KEY: 'a'.repeat(64) },
      { port: '0', host: '0.0.0.0' },
    );
    expect(config.ok && config.value).toMatchObject({ port: 0, host: '0.0.0.0', allowPlainHttp: true, trustProxy: '10.0.0.0/8, 192.0.2.7', logLevel: 'debug', natsUrl: 'nats://a:4222,nats://b:4222', secretKey: 'a'.repeat(64) });
    const proxy = loadConfig({ RAMPART_TRUST_PROXY: 'TRUE' });
    expect(proxy.ok && proxy.value.trustProxy).toBe(true);
  });

  it('names every variable or flag that does not fit and what to write, and never repeats a secret', () => {
    const config = loadConfig(
      { RAMPART_PORT: '80', RAMPART_LOG_LEVEL: 'loud', RAMPART_MATCH_UPLOAD_LIMIT: '2GB', RAMPART_SECRET_KEY: 'hunter2', RAMPART_TRUST_PROXY: 'the proxy', RAMPART_HUB_IDENTITY: 'identity--x' },
      { port: 'eighty' },
    );
    expect(config.ok).toBe(false);
    const messages = config.ok ? [] : config.error.map((p) => p.message);
    expect(messages).toEqual([
      'RAMPART_HUB_IDENTITY: "identity--x" is not a STIX identity id such as identity--4f1f0d5e-8a7c-4c0e-9e7a-2d3b5c6a7b8c',
      '--port: "eighty" is not a port number (0–65535)',
      'RAMPART_TRUST_PROXY: "the proxy" is not true, false, or the proxy addresses (comma-separated IPs or CIDR ranges such as 10.0.0.0/8)',
      'RAMPART_SECRET_KEY: the value given is not a 32-byte key: give 64 hex digits or 44 characters of base64 (openssl rand -hex 32)',
      'RAMPART_MATCH_UPLOAD_LIMIT: "2GB" is not a number of bytes; give a whole number such as 2147483648 (2 GiB), or unset it for the default',
      'RAMPART_LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ]);
    expect(messages.join('\n')).not.toContain('hunter2');
  });

  it('is documented variable by variable in the README configuration table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
    // The first cell of each row names its variables.
    const firstCells = table.split('\n').filter((l) => l.startsWith('| `RAMPART_')).map((l) => l.split(' | ')[0] ?? '');
    const documented = new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`(RAMPART_[A-Z_]+)`/g)].map((m) => m[1])));
    expect([...documented].sort()).toEqual(SETTINGS.map((s) => s.env).sort());
  });
});

describe('rampart config check', () => {
  const check = (env: Record<string, string>) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RAMPART_')));
    return spawnSync(process.execPath, [RAMPART_BIN, 'config', 'check'], { encoding: 'utf8', env: { ...clean, ...env } });
  };

  it('prints the effective configuration with secrets hidden and the password of a database URL masked', () => {
    const run = check({ RAMPART_DATABASE_URL: 'postgres://rampart:s3cret@db.internal/rampart', RAMPART_TAXII_SECRET: 'x'.repeat(32), RAMPART_PORT: '8443' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^RAMPART_DATABASE_URL +postgres:\/\/rampart:…@db\.internal\/rampart$/m);
    expect(run.stdout).toMatch(/^RAMPART_TAXII_SECRET +\(set, hidden\)$/m);
    expect(run.stdout).toMatch(/^RAMPART_PORT +8443$/m);
    expect(run.stdout).toMatch(/^RAMPART_LOG_LEVEL +info {2}\(default\)$/m);
    expect(run.stdout).not.toContain('s3cret');
    expect(run.stdout).not.toContain('x'.repeat(32));
  });

  it('prints each problem and exits 2', () => {
    const run = check({ RAMPART_RATE_LIMIT: 'lots', RAMPART_NATS_URL: 'localhost:4222' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'RAMPART_NATS_URL: the value given is not nats://host:4222 (several comma-separated)\n' +
        'RAMPART_RATE_LIMIT: "lots" is not a whole number of requests per minute (0 for no limit)\n' +
        '2 settings need fixing; rampart serve refuses to start until then\n',
    );
  });
});
