// `transactions list | get | reconcile`: the payments API, as tables for people and JSON for scripts.
import type { ListFilters, TransactionStatus } from '@mpesa-bridge/sdk';
import { Option } from 'commander';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { outcomeSentence, parseSince, transactionRow, TRANSACTION_COLUMNS } from '../format';

interface ListOptions {
  status?: TransactionStatus;
  phone?: string;
  ref?: string;
  from?: string;
  to?: string;
  limit: string;
  all?: boolean;
}

const MAX_ALL = 10_000;

export const registerTransactions: Registrar = (program, action) => {
  const transactions = program
    .command('transactions')
    .alias('txn')
    .description('List, show and reconcile payments');

  transactions
    .command('list')
    .description('Payments of the key’s mode, newest first')
    .addOption(
      new Option('--status <status>', 'only this status').choices([
        'pending',
        'completed',
        'failed',
        'cancelled',
        'expired',
      ]),
    )
    .option('--phone <phone>', 'only this customer (any Kenyan form)')
    .option('--ref <reference>', 'only this account reference (your order number), exactly')
    .option('--from <when>', 'created at or after (ISO date-time, or a duration back: 24h)', parseSince)
    .option('--to <when>', 'created at or before', parseSince)
    .option('--limit <n>', 'how many (1–100)', '20')
    .option('--all', `every page (at most ${MAX_ALL})`)
    .addHelpText(
      'after',
      "\nExamples:\n  $ mpesa-bridge transactions list --status completed --from 24h\n  $ mpesa-bridge transactions list --ref INV1 --json | jq -r '.data[].id'",
    )
    .action(
      action(async (context: Context, options: ListOptions) => {
        const filters: ListFilters = {
          status: options.status,
          phone: options.phone,
          accountReference: options.ref,
          from: options.from,
          to: options.to,
          limit: Number(options.limit),
        };
        const list = context.client().transactions.list(filters);
        const page = options.all ? { data: await list.all({ max: MAX_ALL }), nextCursor: null } : await list;
        const { output } = context;
        if (output.json) return output.data(page);
        if (page.data.length === 0) return output.note('No payments match.');
        output.table(
          TRANSACTION_COLUMNS,
          page.data.map((t) => transactionRow(t, output.color)),
        );
        if (page.nextCursor)
          output.note(output.color.dim('More: add --all, or narrow with --from/--status.'));
      }),
    );

  transactions
    .command('get')
    .description('One payment, in full')
    .argument('<id>', 'txn_…')
    .addHelpText('after', '\nExample:\n  $ mpesa-bridge transactions get txn_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1')
    .action(
      action(async (context: Context, id: string) => {
        const transaction = await context.client().transactions.get(id);
        const { output } = context;
        if (output.json) return output.data({ transaction });
        output.line(`${transaction.id}  ${outcomeSentence(transaction)}`);
        output.table(
          ['FIELD', 'VALUE'],
          Object.entries(transaction).map(([field, value]) => [
            field,
            value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value),
          ]),
        );
      }),
    );

  transactions
    .command('reconcile')
    .description('Ask M-Pesa now (STK Query) about a pending payment')
    .argument('<id>', 'txn_…')
    .addHelpText(
      'after',
      '\nExample:\n  $ mpesa-bridge transactions reconcile txn_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1\n\nOutcomes: settled, already_final, in_progress, no_answer, awaiting_callback, expired, busy.',
    )
    .action(
      action(async (context: Context, id: string) => {
        const result = await context.client().transactions.reconcile(id);
        const { output } = context;
        if (output.json) return output.data(result);
        output.line(`${result.reconciliation.outcome}: ${outcomeSentence(result.transaction)}`);
      }),
    );
};
