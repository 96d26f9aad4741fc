// `trigger c2b`: a customer pays the project's till or PayBill from the M-Pesa menu, played by
// the service's simulator (its customer action, POST /simulator/__simulator/c2b/payments). The
// account's C2B must be on for the confirmation to reach the service; the payment is then
// waited for by its receipt and printed. `--lose-confirmation` completes the payment without
// ever delivering its confirmation (what Pull Transactions catches up). Test keys only.
import type { MpesaAccount, Transaction } from '@mpesa-bridge/sdk';
import type { Context } from '../context';
import { CliError, EXIT, type ExitCode } from '../exit';
import { kes } from '../format';

export interface C2bTriggerOptions {
  amount?: number;
  ref?: string;
  account?: string;
  till?: boolean;
  loseConfirmation?: boolean;
  wait: boolean;
  timeout: number;
}

const POLL_MS = 300;
/** A Safaricom test number of the sandbox's samples: the simulator pays from it. */
const PAYER = '254708374149';

interface SimulatedPayment {
  transId: string;
  status: 'completed' | 'cancelled';
  confirmation: { sent: boolean; delivered?: boolean; reason?: string };
  validation: { requested: boolean; decision?: string };
}

async function accountOf(context: Context, id: string | undefined): Promise<MpesaAccount> {
  const accounts = await context.client().mpesaAccounts.list();
  const account = id ? accounts.find((a) => a.id === id) : (accounts.find((a) => a.isDefault) ?? accounts[0]);
  if (!account)
    throw new CliError(
      id ? `No M-Pesa account ${id} in this project` : 'This project has no M-Pesa account',
      {
        exit: EXIT.usage,
        code: 'usage',
        fix: 'Add one with `mpesa-bridge accounts add`, then switch its C2B on',
      },
    );
  return account;
}

export async function triggerC2b(context: Context, options: C2bTriggerOptions): Promise<ExitCode> {
  const { output } = context;
  const credentials = context.credentials();
  if (credentials.mode !== 'test')
    throw new CliError(
      'trigger plays test payments, and these are live keys: a live payment would take real money',
      {
        exit: EXIT.usage,
        code: 'test_mode_only',
      },
    );
  const account = await accountOf(context, options.account);
  const till = options.till ?? account.tillNumber !== null;
  const response = await fetch(`${credentials.url.replace(/\/+$/, '')}/simulator/__simulator/c2b/payments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      shortCode: account.shortcode,
      amount: options.amount ?? 10,
      msisdn: PAYER,
      billRefNumber: options.ref ?? (till ? '' : 'CLI-TEST'),
      commandId: till ? 'CustomerBuyGoodsOnline' : 'CustomerPayBillOnline',
      // The account's consumer key is masked in its view: the simulator finds the one app that
      // registered URLs for the shortcode (two projects on one shortcode need the API's consumerKey).
      ...(options.loseConfirmation ? { loseConfirmation: true } : {}),
    }),
  });
  const answer = (await response.json().catch(() => ({}))) as Partial<SimulatedPayment> & {
    errorMessage?: string;
  };
  if (!response.ok || !answer.transId)
    throw new CliError(
      `The simulator refused the payment: ${answer.errorMessage ?? `HTTP ${response.status}`}`,
      {
        exit: EXIT.service,
        code: 'simulator_refused',
        fix: 'C2B payments are played by the simulator: the service must run in simulator mode (or with SIMULATOR_ENABLED)',
      },
    );
  const paid = answer as SimulatedPayment;
  if (!options.wait || paid.status !== 'completed' || !paid.confirmation.sent) {
    if (output.json) output.data({ c2b: paid });
    else
      output.line(
        `${paid.transId}  ${paid.status}  ${kes(options.amount ?? 10)}  confirmation ${
          paid.confirmation.sent ? 'sent' : `not sent (${paid.confirmation.reason ?? 'no URLs'})`
        }`,
      );
    return EXIT.ok;
  }
  const deadline = Date.now() + options.timeout;
  let found: Transaction | undefined;
  while (!found && Date.now() < deadline) {
    found = (await context.client().transactions.list({ receipt: paid.transId })).data[0];
    if (!found) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  if (output.json) output.data({ c2b: paid, transaction: found ?? null });
  else if (found)
    output.line(
      `${found.id}  ${found.status}  ${kes(found.amount)}  ${found.channel}  receipt ${paid.transId}  (C2B ${found.c2b?.via ?? 'confirmation'})`,
    );
  else output.line(`${paid.transId}: no payment with this receipt yet (is C2B on for ${account.id}?)`);
  return found ? EXIT.ok : EXIT.failed;
}
