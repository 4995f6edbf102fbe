import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedFolderProblem } from './data-dir.ts';

const root = mkdtempSync(path.join(tmpdir(), 'rampart-data-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(name: string, mode: number): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  chmodSync(dir, mode);
  return dir;
}

describe('the folder beside the database', () => {
  it('is refused for the server key and demo passwords when every user may write it, as /tmp, and says what to do', () => {
    const shared = folder('shared', 0o1777);
    expect(sharedFolderProblem(shared, ['secret.key', 'demo-credentials.json'], 'linux')).toBe(
      `${shared} can be written by every user of this machine, so Rampart will not keep secret.key and demo-credentials.json there beside the database. ` +
        `Give the database a folder of its own, e.g. --db ${shared}/rampart/rampart.sqlite (the folder is created), or set RAMPART_SECRET_KEY.`,
    );
    // With RAMPART_SECRET_KEY set only the demo passwords are left to keep: setting it again would not help.
    expect(sharedFolderProblem(shared, ['demo-credentials.json'], 'linux')).toMatch(/keep demo-credentials\.json there beside the database\. .*\(the folder is created\)\.$/);
  });

  it('is accepted when only its owner (or group) may write it, when nothing is kept there, and on Windows', () => {
    expect(sharedFolderProblem(folder('own', 0o700), ['secret.key'], 'linux')).toBeNull();
    expect(sharedFolderProblem(folder('group', 0o775), ['secret.key'], 'linux')).toBeNull();
    const shared = folder('shared-too', 0o777);
    expect(sharedFolderProblem(shared, [], 'linux')).toBeNull();
    expect(sharedFolderProblem(shared, ['secret.key'], 'win32')).toBeNull();
    expect(sharedFolderProblem(path.join(root, 'not-there'), ['secret.key'], 'linux')).toBeNull();
  });
});
