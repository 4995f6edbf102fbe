import { readdirSync } from 'node:fs';
import type { Command } from 'commander';

const FOLDER = new URL('./commands/', import.meta.url);

type CommandFactory = () => Command;

function isFactory(name: string, value: unknown): value is CommandFactory {
  return name.endsWith('Command') && typeof value === 'function' && value.length === 0;
}

/**
 * Every subcommand of `rampart`: each module in src/cli/commands/ (tests aside) exports one or more
 * `<name>Command(): Command` factories. Found by listing the folder, so each capability adds its
 * commands without touching a shared file. Listed by name in --help.
 */
export async function commands(): Promise<Command[]> {
  const files = readdirSync(FOLDER).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
  const found: Command[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, FOLDER).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) if (isFactory(name, value)) found.push(value());
  }
  return found.sort((a, b) => a.name().localeCompare(b.name()));
}
