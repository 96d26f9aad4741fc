// `links create | list | disable`: payment links (docs/checkout.md). `create` prints the link's
// URL and its QR code in the terminal, ready to share or to scan from the screen; the dashboard
// and GET {url}/qr (SVG, or ?format=png) give the printable image.
import QRCode from 'qrcode';
import type { PaymentLink } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';

const COLUMNS = ['ID', 'URL', 'STATE', 'AMOUNT', 'USES'];

const amountOf = (link: PaymentLink) =>
  link.amountType === 'fixed'
    ? `KES ${link.amount}`
    : link.amountType === 'range'
      ? `KES ${link.minAmount}–${link.maxAmount}`
      : 'any';

const linkRow = (link: PaymentLink) => [
  link.id,
  link.url,
  link.state,
  amountOf(link),
  link.maxUses === null ? String(link.uses) : `${link.uses}/${link.maxUses}`,
];

const whole = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${value} is not a whole number of 1 or more`);
  return number;
};

interface CreateOptions {
  title: string;
  amount?: number;
  min?: number;
  max?: number;
  maxUses?: number;
  expires?: string;
  reference?: string;
  referenceLabel?: string;
  slug?: string;
  description?: string;
  qr: boolean;
}

export const registerLinks: Registrar = (program, action) => {
  const links = program.command('links').description('Payment links: create (with a QR code), list, disable');

  links
    .command('create')
    .description('Create a payment link; prints its URL and QR code')
    .requiredOption('--title <text>', 'what is paid for, shown on the page')
    .option('--amount <kes>', 'a fixed amount', whole)
    .option('--min <kes>', 'with --max: the customer chooses an amount in the range', whole)
    .option('--max <kes>', 'the top of the range', whole)
    .option('--max-uses <n>', 'paid checkouts it takes (default: unlimited)', whole)
    .option('--expires <iso>', 'when it stops taking payments, e.g. 2026-12-31T21:00:00Z')
    .option('--reference <template>', 'each checkout’s reference, {n} numbered (default PAY-{n})')
    .option('--reference-label <text>', 'instead: the customer types the reference under this label')
    .option('--slug <slug>', 'the URL’s last part (default: random)')
    .option('--description <text>', 'shown under the title')
    .option('--no-qr', 'print no QR code')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mpesa-bridge links create --title "Yoga class" --amount 500\n  $ mpesa-bridge links create --title "Harambee" --min 100 --max 50000 --reference "HRB-{n}"',
    )
    .action(
      action(async (context: Context, options: CreateOptions) => {
        const link = await context.client().paymentLinks.create({
          title: options.title,
          description: options.description,
          amount: options.amount,
          minAmount: options.min,
          maxAmount: options.max,
          maxUses: options.maxUses,
          expiresAt: options.expires,
          referenceTemplate: options.reference,
          referenceLabel: options.referenceLabel,
          slug: options.slug,
        });
        const { output } = context;
        if (output.json) return output.data({ link });
        output.line(`${output.color.bold(link.url)}  (${link.mode} mode, ${amountOf(link)})`);
        if (options.qr) output.line(await QRCode.toString(link.url, { type: 'terminal', small: true }));
        output.note(`Printable QR code: ${link.qr.svg} (or ${link.qr.png})`);
      }),
    );

  links
    .command('list')
    .description('Links of the key’s mode, newest first')
    .addHelpText('after', '\nExample:\n  $ mpesa-bridge links list')
    .action(
      action(async (context: Context) => {
        const page = await context.client().paymentLinks.list({ limit: 100 });
        const { output } = context;
        if (output.json) return output.data(page);
        if (page.data.length === 0)
          return output.note('No links yet: `mpesa-bridge links create --title … --amount …`.');
        output.table(COLUMNS, page.data.map(linkRow));
      }),
    );

  links
    .command('disable')
    .description('Stop a link taking payments (its page says so)')
    .argument('<id>', 'the link (lnk_…)')
    .addHelpText('after', '\nExample:\n  $ mpesa-bridge links disable lnk_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1')
    .action(
      action(async (context: Context, id: string) => {
        const link = await context.client().paymentLinks.disable(id);
        if (context.output.json) return context.output.data({ link });
        context.output.table(COLUMNS, [linkRow(link)]);
      }),
    );
};
