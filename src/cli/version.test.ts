import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RAMPART_BIN, spawnRampart } from '../../test/helpers/cli.ts';
import { rampartVersion } from './version.ts';

const manifest = fileURLToPath(new URL('../../package.json', import.meta.url));
const packageVersion = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;

describe('rampart --version', () => {
  it('prints the version package.json says, through the fast path and through the CLI alike', () => {
    expect(rampartVersion()).toBe(packageVersion);
    for (const flag of ['--version', '-V']) {
      const run = spawnRampart([flag]);
      expect(run).toMatchObject({ status: 0, stdout: `${packageVersion}\n`, stderr: '' });
    }
    // With another argument the flag goes to the CLI (commander), which must agree.
    const cli = spawnRampart(['--version', '--no-such-option']);
    expect(cli.stdout).toBe(`${packageVersion}\n`);
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'rampart-version-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads neither the build script nor the CLI: it answers from a package with no scripts/ and no dist/', () => {
    mkdirSync(path.join(dir, 'bin'));
    mkdirSync(path.join(dir, 'src'));
    copyFileSync(RAMPART_BIN, path.join(dir, 'bin', 'rampart.mjs'));
    copyFileSync(manifest, path.join(dir, 'package.json'));
    const run = spawnSync(process.execPath, [path.join(dir, 'bin', 'rampart.mjs'), '--version'], { encoding: 'utf8' });
    expect(run).toMatchObject({ status: 0, stdout: `${packageVersion}\n`, stderr: '' });
    // The same copy, asked anything else, needs what it lacks: the test above could not pass by accident.
    expect(spawnSync(process.execPath, [path.join(dir, 'bin', 'rampart.mjs'), 'help'], { encoding: 'utf8' }).status).not.toBe(0);
  });
});
