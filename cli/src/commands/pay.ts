// `pay`: a real initiate (an STK Push to the phone), then a wait for its end with a spinner
// (Socket.io through the SDK, polling as fallback); the receipt, or the reason it did not go
// through. Exit code 1 unless it completed.
import { MpesaBridgeError, type InitiateResult } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { EXIT } from '../exit';
import { parseAmount, parseDuration } from '../format';
import { reportEnd, waitForEnd } from '../waiting';

interface PayOptions {
  phone: string;
  amount: number;
  ref: string;
  description?: string;
  account?: string;
  till?: boolean;
  idempotencyKey?: string;
  wait: boolean;
  timeout: number;
}

export const registerPay: Registrar = (program, action) => {
  program
    .command('pay')
    .description('Ask a phone for a payment (STK Push) and wait for the customer’s answer')
    .requiredOption('--phone <phone>', 'the customer’s phone, any Kenyan form (0712345678, +254712345678)')
    .requiredOption('--amount <kes>', 'whole shillings', parseAmount)
    .requiredOption(
      '--ref <reference>',
      'the account reference shown in the prompt, e.g. your invoice number (up to 12 characters)',
    )
    .option('--description <text>', 'up to 13 characters')
    .option(
      '--account <acc_id>',
      'the project’s M-Pesa account to collect into (default: its default of the key’s mode)',
    )
    .option('--till', 'pay the account’s till (Buy Goods) instead of its PayBill')
    .option(
      '--idempotency-key <key>',
      'makes a retry safe: the same key and body never prompt twice (default: a new one)',
    )
    .option('--no-wait', 'print the payment as started and return')
    .option('--timeout <duration>', 'how long to wait for the customer', parseDuration, 120_000)
    .addHelpText(
      'after',
      `
Examples:
  $ mpesa-bridge pay --phone 0712345678 --amount 10 --ref INV1
  $ mpesa-bridge pay --phone 0712345678 --amount 10 --ref INV1 --json | jq -r .transaction.mpesaReceiptNumber

Exit code 0 when the payment completed, 1 when it failed, was cancelled, expired or had not
ended within --timeout.`,
    )
    .action(action(async (context: Context, options: PayOptions) => pay(context, options)));
};

async function pay(context: Context, options: PayOptions) {
  let started: InitiateResult;
  try {
    started = await context.client().transactions.initiate(
      {
        phone: options.phone,
        amount: options.amount,
        accountReference: options.ref,
        description: options.description,
        account: options.account,
        channel: options.till ? 'till' : undefined,
      },
      { idempotencyKey: options.idempotencyKey },
    );
  } catch (error) {
    // Daraja refused the push (a busy subscriber, bad credentials, …): the payment exists and failed.
    const transactionId = error instanceof MpesaBridgeError ? error.details?.transactionId : undefined;
    if (typeof transactionId !== 'string') throw error;
    context.output.note(
      context.output.color.red(
        `M-Pesa refused the push: ${(error as MpesaBridgeError).message} (${(error as MpesaBridgeError).code})`,
      ),
    );
    reportEnd(context, await context.client().transactions.get(transactionId), {
      pushRefused: { code: (error as MpesaBridgeError).code, message: (error as MpesaBridgeError).message },
    });
    return EXIT.failed;
  }
  if (started.push === 'unknown') {
    context.output.note(
      context.output.color.yellow(
        'Daraja’s answer to the push was lost: the prompt may or may not have reached the phone. Waiting for the callback or STK Query.',
      ),
    );
  }
  if (!options.wait) {
    reportEnd(context, started.transaction, { idempotencyKey: started.idempotencyKey });
    return started.transaction.status === 'completed' ? EXIT.ok : EXIT.failed;
  }
  const { transaction, timedOut } = await waitForEnd(
    context,
    started.transaction,
    started.clientSecret,
    options.timeout,
  );
  reportEnd(context, transaction, {
    idempotencyKey: started.idempotencyKey,
    ...(timedOut ? { timedOut } : {}),
  });
  return transaction.status === 'completed' ? EXIT.ok : EXIT.failed;
}
