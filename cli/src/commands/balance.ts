// `balance`: asks Daraja's Account Balance for an account and prints its accounts, amounts
// exact from cents; then the warning when the Utility account is below the payouts waiting.
import type { Registrar } from '../main';
import type { Context } from '../context';

interface BalanceOptions {
  account?: string;
}

const kes = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

export const registerBalance: Registrar = (program, action) => {
  program
    .command('balance')
    .description('Ask M-Pesa for an account’s balances (Working, Utility, …) and show them')
    .option('--account <acc_id>', 'the account; the project’s default of the key’s mode when left out')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mpesa-bridge balance\n  $ mpesa-bridge balance --account acc_… --json',
    )
    .action(
      action(async (context: Context, options: BalanceOptions) => {
        const client = context.client();
        const check = await client.balances.check({ account: options.account });
        const { output } = context;
        if (output.json) return output.data(check);
        if (check.status !== 'succeeded')
          return output.note(
            check.status === 'pending'
              ? `M-Pesa has not answered yet: mpesa-bridge balance later, or GET /api/v1/balances/${check.id}`
              : `M-Pesa refused: ${check.resultCode ?? ''} ${check.resultDesc ?? ''}`.trim(),
          );
        output.table(
          ['ACCOUNT', 'CURRENCY', 'AVAILABLE', 'CURRENT', 'RESERVED', 'UNCLEARED'],
          (check.accounts ?? []).map((a) => [
            a.name,
            a.currency,
            kes(a.availableCents),
            kes(a.currentCents),
            kes(a.reservedCents),
            kes(a.unclearedCents),
          ]),
        );
        const overview = await client.balances.list();
        for (const warning of overview.warnings) output.note(`Warning: ${warning.message}`);
      }),
    );
};
