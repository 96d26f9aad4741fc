// `trigger <outcome>`: a test payment that ends as named (paid, cancelled, wrong-pin, …),
// through the service's simulator (POST /api/v1/test-payments, the SDK's initiateTest), waited for and printed. The
// simulator's phone numbers stay its business. Test keys only: live keys get test_mode_only.
import {
  MpesaBridgeError,
  type InitiateResult,
  type TestOutcome,
  type TestOutcomeInfo,
} from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { CliError, EXIT } from '../exit';
import { parseAmount, parseDuration } from '../format';
import { reportEnd, waitForEnd } from '../waiting';

interface TriggerOptions {
  list?: boolean;
  amount?: number;
  ref?: string;
  description?: string;
  wait: boolean;
  timeout: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
/** The simulator picks the outcome by phone number: that is its business, not the reader's. */
const HIDE_PHONE = { showPhone: false };

export const registerTrigger: Registrar = (program, action) => {
  program
    .command('trigger')
    .description('Start a test payment that ends as named, wait for it, print how it ended (test keys)')
    .argument(
      '[outcome]',
      'paid, cancelled, insufficient-funds, wrong-pin, unreachable, no-callback, duplicate-callback, late-callback, amount-mismatch, … (--list)',
    )
    .option('-l, --list', 'list the outcomes this service can play')
    .option('--amount <kes>', 'whole shillings (default: the service’s)', parseAmount)
    .option('--ref <reference>', 'the account reference shown in the prompt (up to 12 characters)')
    .option('--description <text>', 'the transaction description (up to 13 characters)')
    .option('--no-wait', 'print the payment as started and return')
    .option('--timeout <duration>', 'how long to wait for the end', parseDuration, DEFAULT_TIMEOUT_MS)
    .addHelpText(
      'after',
      `
Examples:
  $ mpesa-bridge trigger paid
  $ mpesa-bridge trigger cancelled --amount 250 --ref INV42
  $ mpesa-bridge trigger --list

Exit code 0 once the payment ended as the outcome plays it (a refused push too), 1 if it had
not ended within --timeout.`,
    )
    .action(
      action(async (context: Context, outcome: string | undefined, options: TriggerOptions) =>
        trigger(context, outcome, options),
      ),
    );
};

async function trigger(context: Context, outcome: string | undefined, options: TriggerOptions) {
  const { output } = context;
  if (options.list) return listOutcomes(context);
  if (!outcome)
    throw new CliError(
      'Name an outcome, e.g. `mpesa-bridge trigger paid` (see `mpesa-bridge trigger --list`)',
      { exit: EXIT.usage, code: 'usage' },
    );

  let started: InitiateResult;
  try {
    // The service checks the name (validation_failed lists what it knows).
    started = await context.client().transactions.initiateTest({
      outcome: outcome as TestOutcome,
      amount: options.amount,
      accountReference: options.ref,
      description: options.description,
    });
  } catch (error) {
    // A push the outcome makes Daraja refuse (subscriber-locked, spike-arrest) is the scenario
    // played out: the payment exists, failed, and says why.
    const transactionId = error instanceof MpesaBridgeError ? error.details?.transactionId : undefined;
    if (typeof transactionId === 'string') {
      const refused = await context.client().transactions.get(transactionId);
      if (!output.json)
        output.note(
          output.color.yellow(
            `The push was refused, as "${outcome}" plays it: ${(error as MpesaBridgeError).message} (${(error as MpesaBridgeError).code})`,
          ),
        );
      reportEnd(
        context,
        refused,
        {
          outcome,
          pushRefused: {
            code: (error as MpesaBridgeError).code,
            message: (error as MpesaBridgeError).message,
          },
        },
        HIDE_PHONE,
      );
      return EXIT.ok;
    }
    throw explainTriggerError(error, outcome);
  }

  if (!options.wait) {
    reportEnd(context, started.transaction, { outcome }, HIDE_PHONE);
    return EXIT.ok;
  }
  const { transaction, timedOut } = await waitForEnd(
    context,
    started.transaction,
    started.clientSecret,
    options.timeout,
  );
  reportEnd(context, transaction, { outcome, ...(timedOut ? { timedOut } : {}) }, HIDE_PHONE);
  return timedOut ? EXIT.failed : EXIT.ok;
}

async function listOutcomes(context: Context) {
  const { output } = context;
  let outcomes: TestOutcomeInfo[];
  try {
    outcomes = await context.client().transactions.testOutcomes();
  } catch (error) {
    throw explainTriggerError(error, undefined);
  }
  // The payout outcomes are played by paying a phone, PayBill or till (`payouts create`), not by name.
  const payouts = await context
    .client()
    .payouts.testOutcomes()
    .catch(() => []);
  if (output.json) output.data({ data: outcomes, payouts });
  else {
    output.table(
      ['OUTCOME', 'WHAT HAPPENS'],
      outcomes.map((o) => [o.name, o.summary]),
    );
    if (payouts.length > 0) {
      output.line();
      output.line(
        'Payouts: pay this phone, PayBill or till with `mpesa-bridge payouts create` to see each ending.',
      );
      output.table(
        ['PAYOUT OUTCOME', 'PAY', 'WHAT HAPPENS'],
        payouts.map((o) => [o.name, o.recipient, o.summary]),
      );
    }
  }
  return EXIT.ok;
}

function explainTriggerError(error: unknown, outcome: string | undefined): unknown {
  if (!(error instanceof MpesaBridgeError)) return error;
  const base = {
    exit: EXIT.service,
    code: String(error.code),
    requestId: error.requestId,
    status: error.status,
    details: error.details,
  };
  if (error.code === 'test_mode_only') {
    return new CliError(
      'trigger plays test payments, and these are live keys: a live payment would reach a real phone',
      {
        ...base,
        fix: 'Log in with the project’s test keys (pk_test_…), e.g. `mpesa-bridge login --profile test …`, then add `--profile test`',
      },
    );
  }
  if (error.code === 'test_outcome_unavailable') {
    return new CliError(`${error.message}`, {
      ...base,
      fix: 'Outcomes are played by the simulator: make the project’s default test account a simulator account, or start the service in simulator mode',
    });
  }
  if (error.code === 'validation_failed' && outcome) {
    return new CliError(`${error.message}`, {
      ...base,
      exit: EXIT.usage,
      fix: 'See the outcomes with `mpesa-bridge trigger --list`',
    });
  }
  return error;
}
