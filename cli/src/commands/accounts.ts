// `accounts list | add | check | edit | default | disable | enable`: the project's M-Pesa
// accounts (PayBill or till) of the profile's mode. Credentials are write-only: they go in from
// options or, better (argv is visible to other users), from MPESA_CONSUMER_KEY,
// MPESA_CONSUMER_SECRET and MPESA_PASSKEY, and come back masked. `check` makes a live OAuth
// call and exits 1 unless Daraja accepted the credentials.
import { Option } from 'commander';
import type { Environment, MpesaAccount, UpdateMpesaAccountInput } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { CliError, EXIT } from '../exit';

const COLUMNS = ['ID', 'NAME', 'ENVIRONMENT', 'SHORTCODE', 'TILL', 'CONSUMER KEY', 'STATE'];

function row(account: MpesaAccount, context: Context): string[] {
  const { color } = context.output;
  const state = account.disabledAt
    ? color.red('disabled')
    : account.isDefault
      ? color.green('default')
      : 'enabled';
  return [
    account.id,
    account.name,
    account.environment,
    account.shortcode,
    account.tillNumber ?? '',
    account.consumerKey ?? '',
    state,
  ];
}

function show(context: Context, account: MpesaAccount): void {
  const { output } = context;
  if (output.json) return output.data({ account });
  output.table(COLUMNS, [row(account, context)]);
}

interface CredentialOptions {
  consumerKey?: string;
  consumerSecret?: string;
  passkey?: string;
}

interface AddOptions extends CredentialOptions {
  name: string;
  environment?: Environment;
  shortcode: string;
  till?: string;
  default?: boolean;
}

interface EditOptions extends CredentialOptions {
  name?: string;
  shortcode?: string;
  till?: string;
  paybill?: boolean;
}

const credentialOptions = <T extends { option(flags: string, description: string): T }>(command: T) =>
  command
    .option('--consumer-key <key>', 'the Daraja app’s consumer key (or env MPESA_CONSUMER_KEY)')
    .option('--consumer-secret <secret>', 'its consumer secret (prefer env MPESA_CONSUMER_SECRET)')
    .option('--passkey <passkey>', 'the Lipa Na M-Pesa Online passkey (prefer env MPESA_PASSKEY)');

export const registerAccounts: Registrar = (program, action) => {
  const accounts = program
    .command('accounts')
    .description(
      'M-Pesa accounts (PayBill or till) of the key’s mode: list, add, check, edit, set default, disable',
    );

  accounts
    .command('list')
    .description('The accounts of the key’s mode, credentials masked')
    .action(
      action(async (context: Context) => {
        const found = await context.client().mpesaAccounts.list();
        const { output } = context;
        if (output.json) return output.data({ data: found });
        if (found.length === 0)
          return output.note(
            'No accounts: payments use the deployment’s own. Add one with `mpesa-bridge accounts add`.',
          );
        output.table(
          COLUMNS,
          found.map((account) => row(account, context)),
        );
      }),
    );

  credentialOptions(
    accounts
      .command('add')
      .description('Add a PayBill or till; sandbox and production credentials are checked with Daraja first')
      .requiredOption('--name <name>', 'your label for it')
      .requiredOption('--shortcode <digits>', 'the PayBill, or a till’s Head Office (store) number')
      .option('--till <digits>', 'the till customers pay (a Buy Goods account)')
      .addOption(
        new Option(
          '--environment <env>',
          'default: simulator for test keys, production for live keys',
        ).choices(['simulator', 'sandbox', 'production']),
      )
      .option('--default', 'make it the default of its mode'),
  )
    .addHelpText(
      'after',
      `
Example:
  $ MPESA_CONSUMER_KEY=… MPESA_CONSUMER_SECRET=… MPESA_PASSKEY=… \\
      mpesa-bridge accounts add --name "Shop till" --environment sandbox --shortcode 174379 --till 5050505`,
    )
    .action(
      action(async (context: Context, options: AddOptions) => {
        const { mode } = context.credentials();
        const consumerKey = options.consumerKey ?? context.env.MPESA_CONSUMER_KEY;
        const consumerSecret = options.consumerSecret ?? context.env.MPESA_CONSUMER_SECRET;
        const passkey = options.passkey ?? context.env.MPESA_PASSKEY;
        if (!consumerKey || !consumerSecret || !passkey)
          throw new CliError('accounts add needs the consumer key, consumer secret and passkey', {
            exit: EXIT.usage,
            code: 'usage',
            fix: 'Set MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET and MPESA_PASSKEY (or pass the options)',
          });
        const account = await context.client().mpesaAccounts.create({
          name: options.name,
          environment: options.environment ?? (mode === 'live' ? 'production' : 'simulator'),
          consumerKey,
          consumerSecret,
          passkey,
          shortcode: options.shortcode,
          ...(options.till ? { tillNumber: options.till } : {}),
          ...(options.default ? { isDefault: true } : {}),
        });
        show(context, account);
      }),
    );

  accounts
    .command('check')
    .description('A live OAuth call with the account’s credentials; exit 1 unless Daraja accepts them')
    .argument('<id>', 'the account')
    .addHelpText('after', '\nExample:\n  $ mpesa-bridge accounts check acc_…')
    .action(
      action(async (context: Context, id: string) => {
        const check = await context.client().mpesaAccounts.check(id);
        const { output } = context;
        if (output.json) output.data(check);
        else {
          const mark = check.accepted
            ? output.color.green('✔ accepted')
            : output.color.red(`✘ ${check.verdict}`);
          output.line(`${mark} ${check.environment}, ${check.latencyMs} ms: ${check.message}`);
        }
        return check.accepted ? EXIT.ok : EXIT.failed;
      }),
    );

  credentialOptions(
    accounts
      .command('edit')
      .description('Change its name, shortcode, till or credentials (new credentials are checked first)')
      .argument('<id>', 'the account')
      .option('--name <name>', 'a new label')
      .option('--shortcode <digits>', 'a new shortcode')
      .option('--till <digits>', 'a new till number')
      .option('--paybill', 'no till any more: a PayBill'),
  ).action(
    action(async (context: Context, id: string, options: EditOptions) => {
      const changes: UpdateMpesaAccountInput = {
        ...(options.name ? { name: options.name } : {}),
        ...(options.shortcode ? { shortcode: options.shortcode } : {}),
        ...(options.till ? { tillNumber: options.till } : options.paybill ? { tillNumber: null } : {}),
        ...(options.consumerKey ? { consumerKey: options.consumerKey } : {}),
        ...(options.consumerSecret ? { consumerSecret: options.consumerSecret } : {}),
        ...(options.passkey ? { passkey: options.passkey } : {}),
      };
      if (Object.keys(changes).length === 0)
        throw new CliError('Nothing to change', {
          exit: EXIT.usage,
          code: 'usage',
          fix: 'Pass --name, --shortcode, --till, --paybill or a credential',
        });
      show(context, await context.client().mpesaAccounts.update(id, changes));
    }),
  );

  for (const [name, description, changes] of [
    [
      'default',
      'Make it the default of its mode (initiates that name no account use it)',
      { isDefault: true },
    ],
    [
      'disable',
      'It takes no new payment and stops being the default (payments made through it still reconcile)',
      { disabled: true },
    ],
    [
      'enable',
      'It takes payments again (make it the default again with `accounts default`)',
      { disabled: false },
    ],
  ] as const)
    accounts
      .command(name)
      .description(description)
      .argument('<id>', 'the account')
      .action(
        action(async (context: Context, id: string) => {
          show(context, await context.client().mpesaAccounts.update(id, changes));
        }),
      );
};
