import { Command, CommanderError } from 'commander';
import { commands } from './commands.ts';

/** The `rampart` command: one subcommand per operator task, each with its own --help. */
const program = new Command('rampart')
  .description('Rampart: election-security coordination and threat-intelligence sharing hub')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

for (const command of await commands()) program.addCommand(command.exitOverride());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; usage errors exit 2 (commander already printed the reason).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    throw error;
  }
}
