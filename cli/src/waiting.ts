// Waiting for a payment's end, for `pay` and `trigger`: the SDK's waitForResult (the Socket.io
// room, polling the signed API if the socket cannot connect), a spinner on a terminal, the
// outcome in one sentence.
import { MpesaBridgeTimeoutError, type Transaction } from '@mpesa-bridge/sdk';
import type { Context } from './context';
import { outcomeSentence } from './format';

const STATUS_WORDS: Record<string, string> = {
  pending: 'Waiting for the customer to enter their M-Pesa PIN…',
};

/** The final transaction, or the last one seen when the wait ran out (`timedOut`). */
export async function waitForEnd(
  context: Context,
  transaction: Transaction,
  clientSecret: string,
  timeoutMs: number,
): Promise<{ transaction: Transaction; timedOut: boolean }> {
  const { output } = context;
  const spinner = output.spinner(`${transaction.id}: ${STATUS_WORDS.pending}`);
  try {
    const final = await context.client().waitForResult(transaction.id, {
      clientSecret,
      timeoutMs,
      onStatus: (status) => spinner.update(`${transaction.id}: ${STATUS_WORDS[status] ?? status}`),
    });
    // The sentence itself follows (reportEnd), on stdout: the spinner only closes its own line.
    (final.status === 'completed' ? spinner.succeed : spinner.fail)(`${transaction.id}: ${final.status}`);
    return { transaction: final, timedOut: false };
  } catch (error) {
    if (!(error instanceof MpesaBridgeTimeoutError)) {
      spinner.stop();
      throw error;
    }
    const last = await context.client().transactions.get(transaction.id);
    spinner.fail(
      `${transaction.id}: no final answer within ${Math.round(timeoutMs / 1000)} s (${last.status})`,
    );
    return { transaction: last, timedOut: true };
  }
}

/** What `pay` and `trigger` print once the payment ended. */
export function reportEnd(
  context: Context,
  transaction: Transaction,
  extra: Record<string, unknown> = {},
  { showPhone = true } = {},
): void {
  const { output } = context;
  if (output.json) {
    output.data({ ...extra, transaction });
    return;
  }
  const { color } = output;
  const mark =
    transaction.status === 'completed'
      ? color.green('✔')
      : transaction.status === 'pending'
        ? color.yellow('…')
        : color.red('✖');
  output.line(`${mark} ${outcomeSentence(transaction)}`);
  output.line(
    color.dim(
      `  ${[transaction.id, transaction.status, showPhone ? transaction.phone : undefined, transaction.accountReference].filter(Boolean).join(' · ')}`,
    ),
  );
}
