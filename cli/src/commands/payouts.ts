// `payouts create | batch | list | approve | reject`: money out from the terminal (docs/payouts.md).
// `create` and `list` sign with the profile's keys like every merchant call. Approving is a second
// person's decision and the service takes it from a dashboard session only, never from an API
// key (a leaked key must not approve what it asked for): `approve` and `reject` sign in as a
// dashboard user (--email, the password from MPESA_BRIDGE_DASHBOARD_PASSWORD or stdin), decide,
// and sign out again. The four-eyes rule is the service's: the user who asked cannot approve.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CreatePayoutInput, Payout, PayoutListFilters } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { CliError, EXIT } from '../exit';
import { readAll } from '../prompt';

const COLUMNS = ['ID', 'STATUS', 'TO', 'AMOUNT', 'REASON', 'CREATED'];

/** Who is paid, as a person reads it. */
export const recipientOf = (payout: Payout) =>
  payout.channel === 'b2b_paybill'
    ? `PayBill ${payout.paybill} acc ${payout.accountNumber}`
    : payout.channel === 'b2b_till'
      ? `Till ${payout.till}`
      : (payout.phone ?? '');

const payoutRow = (payout: Payout) => [
  payout.id,
  payout.status,
  recipientOf(payout),
  `KES ${payout.amount}`,
  payout.reason?.code ?? '',
  payout.createdAt.slice(0, 19).replace('T', ' '),
];

const whole = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${value} is not a whole number of 1 or more`);
  return number;
};

interface CreateOptions {
  amount: number;
  phone?: string;
  paybill?: string;
  account?: string;
  till?: string;
  purpose?: CreatePayoutInput['purpose'];
  remarks?: string;
  idempotencyKey?: string;
}

interface DecideOptions {
  email?: string;
  passwordStdin?: boolean;
  note?: string;
}

/** Signs in as a dashboard user, makes one decision, signs out. The password never sits in argv. */
async function decide(context: Context, id: string, decision: 'approve' | 'reject', options: DecideOptions) {
  const { url } = context.credentials();
  const email = options.email ?? context.env.MPESA_BRIDGE_DASHBOARD_EMAIL;
  const password = options.passwordStdin
    ? await readAll(process.stdin)
    : context.env.MPESA_BRIDGE_DASHBOARD_PASSWORD;
  if (!email || !password)
    throw new CliError(`${decision} takes a dashboard user's sign-in: an API key cannot approve a payout`, {
      exit: EXIT.usage,
      code: 'usage',
      fix: 'Pass --email (or MPESA_BRIDGE_DASHBOARD_EMAIL) and the password on stdin with --password-stdin (or MPESA_BRIDGE_DASHBOARD_PASSWORD)',
    });
  // The session's writes must come from the service's own origin, with the session's CSRF token.
  const origin = new URL(url).origin;
  const signIn = await fetch(`${url}/api/v1/dashboard/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const session = (await signIn.json().catch(() => ({}))) as {
    csrfToken?: string;
    error?: { code: string; message: string; requestId?: string };
  };
  if (signIn.status !== 201 || !session.csrfToken)
    throw new CliError(session.error?.message ?? `Sign-in failed (HTTP ${signIn.status})`, {
      exit: EXIT.service,
      code: session.error?.code ?? 'sign_in_failed',
      status: signIn.status,
      requestId: session.error?.requestId,
    });
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
  const headers = { Cookie: cookie, Origin: origin, 'X-CSRF-Token': session.csrfToken };
  try {
    // The payout names its project: the service checks the user may see it.
    const response = await fetch(`${url}/api/v1/payouts/${encodeURIComponent(id)}/${decision}`, {
      method: 'POST',
      headers: {
        ...headers,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(options.note ? { note: options.note } : {}),
    });
    const body = (await response.json().catch(() => ({}))) as {
      payout?: Payout;
      error?: { code: string; message: string; requestId?: string; details?: Record<string, unknown> };
    };
    if (!response.ok || !body.payout)
      throw new CliError(body.error?.message ?? `HTTP ${response.status}`, {
        exit: EXIT.service,
        code: body.error?.code,
        status: response.status,
        requestId: body.error?.requestId,
        details: body.error?.details,
        ...(body.error?.code === 'payout_approval_forbidden'
          ? {
              fix: 'Another dashboard user than the one who asked must decide (four eyes); live payouts take an operator',
            }
          : {}),
      });
    return body.payout;
  } finally {
    await fetch(`${url}/api/v1/dashboard/session`, { method: 'DELETE', headers }).catch(() => undefined);
  }
}

export const registerPayouts: Registrar = (program, action) => {
  const payouts = program
    .command('payouts')
    .description('Money out: pay a phone, a PayBill or a till; list; approve or reject as a dashboard user');

  payouts
    .command('create')
    .description('Pay out once (an Idempotency-Key is sent, printed with the payout)')
    .requiredOption('--amount <kes>', 'whole KES, 10 to 250,000', whole)
    .option('--phone <phone>', 'pay this M-Pesa customer (B2C)')
    .option('--paybill <number>', 'pay this PayBill (B2B), with --account')
    .option('--account <number>', 'the account number at the PayBill')
    .option('--till <number>', 'pay this till (B2B)')
    .option(
      '--purpose <commandId>',
      'phones only: BusinessPayment (default), SalaryPayment, PromotionPayment',
    )
    .option('--remarks <text>', '2–100 characters (default "Payout")')
    .option('--idempotency-key <key>', 'repeat a create safely: the same key answers the same payout')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mpesa-bridge payouts create --phone 0712345678 --amount 1500 --remarks "Refund INV001"\n  $ mpesa-bridge payouts create --paybill 888880 --account INV-88 --amount 2500\n  $ mpesa-bridge payouts create --till 5123456 --amount 700',
    )
    .action(
      action(async (context: Context, options: CreateOptions) => {
        const input: CreatePayoutInput = {
          amount: options.amount,
          ...(options.phone !== undefined ? { phone: options.phone } : {}),
          ...(options.paybill !== undefined ? { paybill: options.paybill } : {}),
          ...(options.account !== undefined ? { accountNumber: options.account } : {}),
          ...(options.till !== undefined ? { till: options.till } : {}),
          ...(options.purpose !== undefined ? { purpose: options.purpose } : {}),
          ...(options.remarks !== undefined ? { remarks: options.remarks } : {}),
        };
        const { payout, idempotencyKey } = await context
          .client()
          .payouts.create(input, { idempotencyKey: options.idempotencyKey ?? randomUUID() });
        const { output } = context;
        if (output.json) return output.data({ payout, idempotencyKey });
        output.table(COLUMNS, [payoutRow(payout)]);
        output.note(
          `Idempotency-Key ${idempotencyKey}: repeat with --idempotency-key to get this payout, never a second.`,
        );
        if (payout.status === 'awaiting_approval')
          output.note(
            `Waiting for approval: another dashboard user runs \`mpesa-bridge payouts approve ${payout.id} --email …\`.`,
          );
        return payout.status === 'failed' ? EXIT.failed : EXIT.ok;
      }),
    );

  payouts
    .command('batch')
    .description(
      'Pay out a CSV batch: every row checked first (one bad row refuses it whole), one approval, then sent row by row',
    )
    .argument('<file>', 'the CSV (- for stdin); header phone,amount,purpose,remarks,occasion,reference')
    .option('--idempotency-key <key>', 'repeat safely: the same key answers the same batch')
    .addHelpText(
      'after',
      '\nExample:\n  $ mpesa-bridge payouts batch payroll-march.csv --idempotency-key payroll-2026-03',
    )
    .action(
      action(async (context: Context, file: string, options: { idempotencyKey?: string }) => {
        const csv = file === '-' ? await readAll(process.stdin) : await readFile(file, 'utf8');
        const created = await context
          .client()
          .payouts.createBatch({ csv }, { idempotencyKey: options.idempotencyKey ?? randomUUID() });
        const { output } = context;
        if (output.json) return output.data(created);
        output.table(
          ['LINE', ...COLUMNS],
          created.rows.map((row) => [String(row.line), ...payoutRow(row.payout)]),
        );
        output.note(
          `Batch ${created.batch.id}: ${created.batch.rowCount} payouts, KES ${created.batch.total}, ${created.batch.status}. Idempotency-Key ${created.idempotencyKey}.`,
        );
        if (created.batch.status === 'awaiting_approval')
          output.note(
            "Waiting for one approval of the whole batch by another dashboard user (the dashboard's Payouts page).",
          );
      }),
    );

  payouts
    .command('list')
    .description('Payouts of the key’s mode, newest first')
    .option('--status <status>', 'requested, awaiting_approval, submitted, unknown, succeeded, failed')
    .option('--channel <channel>', 'b2c, b2b_paybill or b2b_till')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mpesa-bridge payouts list\n  $ mpesa-bridge payouts list --status awaiting_approval',
    )
    .action(
      action(async (context: Context, options: Pick<PayoutListFilters, 'status' | 'channel'>) => {
        const page = await context.client().payouts.list({ ...options, limit: 100 });
        const { output } = context;
        if (output.json) return output.data(page);
        if (page.data.length === 0) return output.note('No payouts yet: `mpesa-bridge payouts create …`.');
        output.table(COLUMNS, page.data.map(payoutRow));
      }),
    );

  for (const decision of ['approve', 'reject'] as const)
    payouts
      .command(decision)
      .description(
        decision === 'approve'
          ? 'Approve a payout and send it, as a dashboard user other than the one who asked'
          : 'Reject a payout (nothing is sent), as a dashboard user other than the one who asked',
      )
      .argument('<id>', 'the payout (po_…)')
      .option('--email <email>', 'the dashboard user who decides (or env MPESA_BRIDGE_DASHBOARD_EMAIL)')
      .option('--password-stdin', 'read the password from stdin (else env MPESA_BRIDGE_DASHBOARD_PASSWORD)')
      .option('--note <text>', 'why, for the audit trail')
      .addHelpText(
        'after',
        `\nExample:\n  $ echo "$PASSWORD" | mpesa-bridge payouts ${decision} po_0mbq… --email owner@shop.example --password-stdin`,
      )
      .action(
        action(async (context: Context, id: string, options: DecideOptions) => {
          const payout = await decide(context, id, decision, options);
          if (context.output.json) return context.output.data({ payout });
          context.output.table(COLUMNS, [payoutRow(payout)]);
        }),
      );
};
