import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand, type CommandRun } from '../../../test/helpers/cli.ts';
import { validateCommand } from './validate.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rampart-validate-'));

function validate(content: string | null): Promise<CommandRun> {
  const file = path.join(dir, `b${Math.random()}.json`);
  if (content !== null) writeFileSync(file, content);
  return runCommand(validateCommand(), [file]);
}

describe('rampart validate', () => {
  it('exits 0 for a clean bundle', async () => {
    const r = await validate('{"type":"bundle","id":"bundle--44af6c39-c09b-49c5-9de2-394224b04982","objects":[{"type":"identity","spec_version":"2.1","id":"identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z","name":"County"}]}');
    expect(r).toMatchObject({ exit: 0, out: '' });
    expect(r.err).toMatch(/: 1 objects, 0 problems\n$/);
  });

  it('prints one line per problem and exits 1', async () => {
    const r = await validate('{"objects":[{"type":"identity","spec_version":"2.0","id":"identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f","created":"2024-10-01T12:00:00.000Z","modified":"2024-10-01T12:00:00.000Z"},{"type":"x-thing"}]}');
    expect(r.exit).toBe(1);
    expect(r.out.trim().split('\n')).toEqual([
      expect.stringMatching(/^identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f \$\.objects\[0\]\.spec_version: \[wrong-spec-version\]/),
      expect.stringMatching(/^identity--5a1b0a7f-1c55-4a3c-8f5a-4b9a5b1d2e3f \$\.objects\[0\]\.name: \[missing-property\]/),
      expect.stringMatching(/^1 \$\.objects\[1\]\.id: \[missing-property\]/),
    ]);
  });

  it('exits 2 for unreadable input', async () => {
    expect((await validate(null)).exit).toBe(2);
    expect(await validate('not json')).toMatchObject({ exit: 2, out: expect.stringContaining('[malformed-json]') as unknown });
  });
});
