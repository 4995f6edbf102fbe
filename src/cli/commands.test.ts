import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS, commandToLoad } from './commands.ts';

describe('the command list', () => {
  it('names every module in src/cli/commands/, in order, each with its own description as summary', async () => {
    const modules = readdirSync(new URL('./commands/', import.meta.url))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(COMMANDS.map((c) => c.name)).toEqual(modules);
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name()).toBe(entry.name);
      expect(command.description()).toBe(entry.summary);
    }
  });

  it('loads the command named first, or after help, and none for options alone', () => {
    expect(commandToLoad(['match', 'log.txt'])?.name).toBe('match');
    expect(commandToLoad(['help', 'audit'])?.name).toBe('audit');
    expect(commandToLoad(['--version'])).toBeUndefined();
    expect(commandToLoad([])).toBeUndefined();
  });
});
