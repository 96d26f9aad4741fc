// The `mpesa-bridge` command line: one commander program, one module per command under
// commands/. `run` returns the exit code (exit.ts) instead of exiting, so the launcher in bin/
// sets it and lets pending output drain.
import { Command, CommanderError } from 'commander';
import { createContext, type Context, type GlobalOptions, type Io } from './context';
import { EXIT, toCliError, type ExitCode } from './exit';
import { registerLogin } from './commands/login';
import { registerListen } from './commands/listen';
import { registerTrigger } from './commands/trigger';
import { registerPay } from './commands/pay';
import { registerTail } from './commands/tail';
import { registerTransactions } from './commands/transactions';
import { registerEvents } from './commands/events';
import { registerBalance } from './commands/balance';
import { registerWebhooks } from './commands/webhooks';
import { registerDoctor } from './commands/doctor';
import { registerKeys } from './commands/keys';
import { registerAccounts } from './commands/accounts';
import { registerLinks } from './commands/links';
import { registerPayouts } from './commands/payouts';
import { CLI_VERSION } from './version';

/** What a command's action does; its exit code (default 0). */
export type Handler<A extends unknown[]> = (context: Context, ...args: A) => Promise<ExitCode | void>;

/** Registers commands: `action(handler)` wraps a handler with the context and error handling. */
export type Registrar = (
  program: Command,
  action: <A extends unknown[]>(handler: Handler<A>) => (...args: unknown[]) => Promise<void>,
) => void;

export async function run(
  argv: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('mpesa-bridge');
  program
    .description(
      'mpesa-bridge from your terminal: webhooks to localhost without a tunnel, test payments by outcome, live callbacks, deployment checks',
    )
    .version(CLI_VERSION, '-v, --version')
    .option(
      '--json',
      'machine-readable output: one JSON document (a JSON object per line for listen and tail); errors as JSON on stderr',
    )
    .option(
      '-p, --profile <name>',
      'the saved profile to use (default: the first saved; env MPESA_BRIDGE_PROFILE)',
    )
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) })
    .addHelpText(
      'after',
      `
Examples:
  $ mpesa-bridge login --url http://localhost:3000 --public-key pk_test_… --secret-key-stdin < sk.txt
  $ mpesa-bridge listen --forward-to http://localhost:4242/webhooks
  $ mpesa-bridge trigger paid
  $ mpesa-bridge doctor

Exit codes: 0 ok, 1 the thing failed (payment not completed, doctor found a failure),
2 usage error or not logged in, 3 the service refused, failed or could not be reached.`,
    );

  const action =
    <A extends unknown[]>(handler: Handler<A>) =>
    async (...args: unknown[]): Promise<void> => {
      // commander passes the positional arguments, then the command's options, then the command.
      const command = args[args.length - 1] as Command;
      const context = createContext(io, command.optsWithGlobals<GlobalOptions>());
      try {
        exitCode = (await handler(context, ...(args.slice(0, -1) as A))) ?? EXIT.ok;
      } catch (error) {
        const failure = toCliError(error);
        context.output.error(failure);
        exitCode = failure.exit;
      }
    };

  for (const register of [
    registerLogin,
    registerListen,
    registerTrigger,
    registerPay,
    registerTail,
    registerTransactions,
    registerEvents,
    registerBalance,
    registerWebhooks,
    registerLinks,
    registerPayouts,
    registerDoctor,
    registerKeys,
    registerAccounts,
  ]) {
    register(program, action);
  }
  for (const command of program.commands) inheritBehaviour(command, io);

  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end as "errors" under exitOverride; they are successes.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}

/** Subcommands (and theirs) report usage errors the same way as the program. */
function inheritBehaviour(command: Command, io: Io): void {
  command
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  for (const child of command.commands) inheritBehaviour(child, io);
}
