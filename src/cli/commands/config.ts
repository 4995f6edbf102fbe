import { Command } from 'commander';
import { loadConfig, SETTINGS, shownValue } from '../../config/settings.ts';
import { EXIT } from '../options.ts';

/** `rampart config check`: the effective configuration from the environment (secrets masked), or what is wrong with it. */
export function configCommand(): Command {
  const check = new Command('check')
    .description('Check every RAMPART_* variable: print the effective configuration (secrets hidden), or each problem and exit 2')
    .action(() => {
      process.exitCode = runCheck(process.env);
    });
  return new Command('config').description('The configuration: every setting, where it came from, and whether it is valid').addCommand(check);
}

function runCheck(env: Readonly<Record<string, string | undefined>>): number {
  const config = loadConfig(env);
  if (!config.ok) {
    for (const p of config.error) process.stderr.write(`${p.message}\n`);
    process.stderr.write(`${config.error.length === 1 ? 'one setting needs' : `${config.error.length} settings need`} fixing; rampart serve refuses to start until then\n`);
    return EXIT.unusable;
  }
  const width = Math.max(...SETTINGS.map((s) => s.env.length));
  const lines = SETTINGS.map((s) => {
    const value = config.value[s.key];
    const origin = (env[s.env] ?? '').trim() !== '' || value === undefined ? '' : '  (default)';
    return `${s.env.padEnd(width)}  ${shownValue(s, value)}${origin}\n`;
  });
  // One write: a reader that stops early (| head) ends it at once.
  process.stdout.write(lines.join(''));
  return EXIT.ok;
}
