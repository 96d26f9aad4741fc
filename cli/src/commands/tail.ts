// `tail`: the project's payments, events and inbound M-Pesa callbacks as they arrive, to answer
// "did Safaricom call me?": each callback with its source address, allowed or refused, what it
// did (applied, duplicate, orphan, …) and its body (phones masked by the service).
import type { Transaction } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { clock, kes, maskPhone, paintStatus, parseList } from '../format';
import { followProject, untilInterrupted, type StreamCallback, type StreamEvent } from '../stream';
import type { CliError } from '../exit';

interface TailOptions {
  type?: string[];
  transaction?: string;
  body: boolean;
}

/** What each kind of M-Pesa call is called on a line (C2B: a till or PayBill paid from the menu). */
const CALLBACK_LABELS: Record<string, string> = {
  stk: 'callback',
  c2b_confirmation: 'c2b-confirmation',
  c2b_validation: 'c2b-validation',
  c2b_pull: 'c2b-pulled',
};

/** A callback body is cut here on a terminal line (--json has it whole). */
const BODY_PREVIEW_CHARS = 600;

export const registerTail: Registrar = (program, action) => {
  program
    .command('tail')
    .description(
      'Follow the project live: payments, webhook events, and every M-Pesa callback (refused ones too)',
    )
    .option(
      '-t, --type <kinds>',
      'only these, comma-separated: callback (STK callbacks and C2B confirmations, validations and pulled rows), payment, event, or event types (transaction.completed, transaction.*)',
      parseList,
    )
    .option('--transaction <txn_id>', 'only what concerns this payment')
    .option('--no-body', 'leave out callback bodies')
    .addHelpText(
      'after',
      `
Examples:
  $ mpesa-bridge tail
  $ mpesa-bridge tail --type callback            # did Safaricom call, from where, and was it let in?
  $ mpesa-bridge tail --transaction txn_… --json | jq .

A refused callback (its source is not on CALLBACK_ALLOWED_IPS) shows its address and "refused".
Stop with Ctrl-C.`,
    )
    .action(action(async (context: Context, options: TailOptions) => tail(context, options)));
};

async function tail(context: Context, options: TailOptions) {
  const { output } = context;
  const { color } = output;
  const kinds = options.type;
  const wants = (kind: 'callback' | 'payment', eventType?: string) => {
    if (!kinds || kinds.length === 0) return true;
    if (eventType)
      return kinds.some(
        (wanted) =>
          wanted === eventType ||
          (wanted.endsWith('.*') && eventType.startsWith(wanted.slice(0, -1))) ||
          wanted === 'event',
      );
    return kinds.includes(kind);
  };
  const concerns = (transactionId: string | null) =>
    !options.transaction || transactionId === options.transaction;

  const onTransaction = (transaction: Transaction) => {
    if (!wants('payment') || !concerns(transaction.id)) return;
    if (output.json) return output.record({ kind: 'payment', transaction });
    const push = transaction.checkoutRequestId
      ? 'push accepted'
      : transaction.status === 'pending'
        ? 'push sent'
        : '';
    output.line(
      `${clock(transaction.updatedAt)}  ${color.cyan('payment ')}  ${transaction.id}  ${paintStatus(color, transaction.status)}  ${kes(transaction.amount)}  ${maskPhone(transaction.phone)}  ${transaction.accountReference}${
        transaction.status === 'pending' && push ? color.dim(`  ${push}`) : ''
      }${transaction.failure ? color.dim(`  ${transaction.failure.code}`) : ''}${transaction.mpesaReceiptNumber ? color.dim(`  ${transaction.mpesaReceiptNumber}`) : ''}`,
    );
  };
  const onEvent = (event: StreamEvent) => {
    if (!wants('payment', event.type) || !concerns(event.transactionId)) return;
    if (output.json)
      return output.record({
        kind: 'event',
        event: { ...event, payload: JSON.parse(event.payload) as unknown },
      });
    output.line(
      `${clock(event.createdAt)}  ${color.magenta('event   ')}  ${event.transactionId ?? '-'}  ${event.type}  ${color.dim(event.id)}`,
    );
  };
  const onCallback = (callback: StreamCallback) => {
    if (!wants('callback') || !concerns(callback.transactionId)) return;
    if (output.json) return output.record({ kind: 'callback', callback });
    const verdict = callback.allowed
      ? `${color.green('allowed')}  ${callback.outcome}`
      : `${color.red('refused')}  ${color.dim('(source not on CALLBACK_ALLOWED_IPS; answered 403, not stored)')}`;
    output.line(
      `${clock(callback.receivedAt)}  ${color.blue(CALLBACK_LABELS[callback.kind ?? 'stk'] ?? 'callback')}  ${callback.transactionId ?? '-'}  from ${callback.sourceIp}  ${verdict}`,
    );
    if (options.body && callback.body) {
      const body =
        callback.body.length > BODY_PREVIEW_CHARS
          ? `${callback.body.slice(0, BODY_PREVIEW_CHARS)}…`
          : callback.body;
      output.line(color.dim(`          ${body}`));
    }
  };

  let fatal: (error: CliError) => void = () => undefined;
  const failed = new Promise<CliError>((resolve) => (fatal = resolve));
  const credentials = context.credentials();
  const stream = await followProject(credentials, {
    onTransaction,
    onEvent,
    onCallback,
    onLost: (reason) =>
      output.note(
        color.yellow(
          `Connection lost (${reason}); reconnecting… (what happens meanwhile is in \`mpesa-bridge events list\`)`,
        ),
      ),
    onBack: () => output.note(color.green('Reconnected.')),
    onFatal: (error) => fatal(error),
  });
  if (output.json) output.record({ kind: 'ready', mode: credentials.mode, url: credentials.url });
  else
    output.note(
      `${color.green('Following')} ${credentials.mode}-mode payments, events and callbacks at ${credentials.url}. Ctrl-C stops.`,
    );
  const ended = await Promise.race([untilInterrupted().then(() => undefined), failed]);
  stream.close();
  if (ended) throw ended;
}
