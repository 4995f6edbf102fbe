import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../test/helpers/cli.ts';
import { electionCommand } from './election.ts';

describe('rampart election', () => {
  it('records elections (for the hub or a state office), lists them and shows their roll-up; bad flags exit 2', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'rampart-election-cli-')), 'r.sqlite');
    const national = await runCommand(electionCommand(), ['add', '--db', db, '--name', 'General Election (test)', '--date', '2026-11-03', '--states', 'all', '--type', 'general']);
    expect(national).toMatchObject({ exit: 0, out: expect.stringMatching(/^Recorded General Election \(test\) \(2026-11-03, 56 states\): x-rampart-election--\S+, TLP:GREEN to community\n$/) as unknown });
    const state = await runCommand(electionCommand(), ['add', '--db', db, '--name', 'Spring election (test)', '--date', '2026-04-07', '--states', '55', '--owner', 'WI']);
    expect(state.out).toMatch(/TLP:GREEN to state:55\n$/);
    const id = /(x-rampart-election--\S+),/.exec(state.out)?.[1] ?? '';
    expect((await runCommand(electionCommand(), ['add', '--db', db, '--name', 'X', '--date', '2026-04-07', '--states', '55,99'])).exit).toBe(2);
    expect((await runCommand(electionCommand(), ['add', '--db', db, '--name', 'X', '--date', 'April', '--states', '55'])).exit).toBe(2);
    expect((await runCommand(electionCommand(), ['add', '--db', db, '--name', 'X', '--date', '2026-04-07', '--states', '55,17', '--owner', 'WI'])).exit).toBe(1);

    const list = await runCommand(electionCommand(), ['list', '--db', db]);
    expect(list.out.trim().split('\n').map((l) => l.replace(/^\S+\s+/, ''))).toEqual(['2026-11-03  -                General Election (test) (56 states)', '2026-04-07  -                Spring election (test) (1 state)']);

    const shown = await runCommand(electionCommand(), ['show', '--db', db, id]);
    expect(shown.exit).toBe(0);
    expect(shown.out).toContain('Is anything preventing voting? unknown (1 silent)');
    expect(shown.out).toMatch(/55 Wisconsin +No report +1 no report/);
    expect((await runCommand(electionCommand(), ['show', '--db', db, id, '--state', '55'])).out).toMatch(/No report +never +Wisconsin/);
    expect((await runCommand(electionCommand(), ['show', '--db', db, 'x-rampart-election--00000000-0000-4000-8000-000000000000'])).exit).toBe(1);
    expect((await runCommand(electionCommand(), ['show', '--db', db, id, '--state', 'WI'])).exit).toBe(2);
  }, 60_000);
});
