// What a C2B confirmation says about a payment beyond the ledger's common columns (receipt,
// amount, phone, date): kept as JSON in Transaction.c2bDetails, shown as `c2b` in the payment's
// view and its webhooks. Fields are as Safaricom sent them (docs/daraja.md §7): the amount as
// text ("5.00"), the MSISDN in the form it came, names in upper case.
import { z } from 'zod';

/** v1 sends the payer's MSISDN as a SHA-256 hash, v2 masked ("2547 ***** 126"); some apps get it clear. */
export const MSISDN_FORMS = ['clear', 'masked', 'hashed', 'absent'] as const;
export type MsisdnForm = (typeof MSISDN_FORMS)[number];

const nullableText = (description: string, example: string | null) =>
  z
    .string()
    .nullable()
    .meta({ description, examples: [example] });

export const c2bDetailsSchema = z
  .object({
    transactionType: nullableText('`TransactionType` as sent: "Pay Bill" or "Buy Goods".', 'Pay Bill'),
    businessShortCode: nullableText('`BusinessShortCode`: the PayBill or till paid.', '600966'),
    billReference: nullableText(
      '`BillRefNumber`: the account number the customer typed (PayBill), often empty for a till.',
      'INV-9',
    ),
    invoiceNumber: nullableText('`InvoiceNumber`, when sent.', null),
    thirdPartyTransId: nullableText(
      '`ThirdPartyTransID`: what our validation answered for it, when validation is on.',
      null,
    ),
    msisdn: nullableText(
      "The payer's `MSISDN` in the form it came: a number, masked by Safaricom, or a SHA-256 hash.",
      '2547 ***** 126',
    ),
    msisdnForm: z.enum(MSISDN_FORMS).meta({
      description:
        '`clear` (a number, normalised to 254…), `masked` (C2B v2), `hashed` (C2B v1: SHA-256 hex), `absent`.',
      examples: ['masked'],
    }),
    firstName: nullableText('`FirstName`, as sent (upper case).', 'NICHOLAS'),
    middleName: nullableText('`MiddleName`, as sent.', null),
    lastName: nullableText('`LastName`, as sent.', null),
    orgAccountBalance: nullableText(
      "`OrgAccountBalance`: the shortcode's balance after this payment, exactly as sent; null when absent (validation never has it).",
      '25.00',
    ),
    amountReported: z.string().meta({
      description: '`TransAmount` exactly as sent (text, e.g. "5.00").',
      examples: ['5.00'],
    }),
    amountWholeKes: z.boolean().meta({
      description:
        'Whether `amountReported` is a whole number of shillings. When false (e.g. "10.50") the amount is kept as sent here, `amountPaid` stays null, and `amount` holds only its whole shillings: it is never rounded into an exact-looking figure.',
      examples: [true],
    }),
  })
  .meta({
    id: 'C2bDetails',
    description:
      'What the C2B confirmation said (a till or PayBill paid from the M-Pesa menu or a QR); null for a payment no confirmation touched.',
  });
export type C2bDetails = z.output<typeof c2bDetailsSchema>;

export function c2bDetailsOf(stored: string | null): C2bDetails | null {
  return stored === null ? null : (JSON.parse(stored) as C2bDetails);
}

const DARAJA_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/**
 * Daraja's `TransTime` / `TransactionDate` (YYYYMMDDHHmmss, Kenyan time: docs/daraja.md §3) as
 * ISO 8601 with East Africa Time's offset (+03:00, no daylight saving); null when it is not one.
 */
export function eatTimeOf(darajaTime: string | null): string | null {
  const parts = darajaTime === null ? null : DARAJA_TIME.exec(darajaTime.trim());
  if (!parts) return null;
  const [, year, month, day, hour, minute, second] = parts;
  const local = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  // A date that does not exist (a 31st of February) rolls over in Date: read it back to refuse it.
  const at = new Date(`${local}Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(local) ? `${local}+03:00` : null;
}
