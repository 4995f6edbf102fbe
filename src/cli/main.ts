import { Command, CommanderError } from 'commander';
import { COMMANDS, commandToLoad } from './commands.ts';
import { rampartVersion } from './version.ts';

/** The `rampart` command: one subcommand per operator task, each with its own --help. */
const program = new Command('rampart')
  .description('Rampart: election-security coordination and threat-intelligence sharing hub')
  .version(rampartVersion())
  .showHelpAfterError()
  .exitOverride();

// Only the command that runs is loaded; the others are listed by name and summary for --help.
const running = commandToLoad(process.argv.slice(2));
for (const entry of COMMANDS) {
  program.addCommand(entry === running ? await entry.load() : new Command(entry.name).description(entry.summary));
}
for (const command of program.commands) command.exitOverride();

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
