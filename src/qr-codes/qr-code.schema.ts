// Requests and answers of Dynamic QR (qr-code.routes.ts).
import { z } from 'zod';
import { expecting, text } from '../validation';
import { accountIdField, CHANNELS } from '../payments/transaction.schema';

const REFERENCE = '1–12 printable characters (the account number the payment carries)';
const MERCHANT_NAME = '1–60 printable characters';
const ID = 'a QR code id (qr_…)';
const SIZE = 'a whole number of pixels from 100 to 1000';
/** Printable ASCII and spaces: what a PayBill account number can hold. */
const PRINTABLE = /^[\x20-\x7E]+$/;

export const createQrCodeBody = (amount: { min: number; max: number }) => {
  const AMOUNT = `whole KES from ${amount.min} to ${amount.max}`;
  return z.strictObject({
    amount: z
      .number(expecting(AMOUNT))
      .int(expecting(AMOUNT))
      .min(amount.min, expecting(AMOUNT))
      .max(amount.max, expecting(AMOUNT))
      .meta({ description: 'What the customer is asked to pay, whole KES.', examples: [150] }),
    reference: text(REFERENCE)
      .trim()
      .min(1, expecting(REFERENCE))
      .max(12, expecting(REFERENCE))
      .regex(PRINTABLE, expecting(REFERENCE))
      .meta({
        description:
          "Daraja's `RefNo`: the account number the payment carries, and the key its C2B confirmation is matched by (`BillRefNumber`). " +
          'Use your order or invoice number, as for `accountReference`.',
        examples: ['INV-9'],
      }),
    merchantName: text(MERCHANT_NAME)
      .trim()
      .min(1, expecting(MERCHANT_NAME))
      .max(60, expecting(MERCHANT_NAME))
      .regex(PRINTABLE, expecting(MERCHANT_NAME))
      .meta({
        description: "Daraja's `MerchantName`: the name the customer sees.",
        examples: ['TEST SUPERMARKET'],
      }),
    size: z
      .number(expecting(SIZE))
      .int(expecting(SIZE))
      .min(100, expecting(SIZE))
      .max(1000, expecting(SIZE))
      .default(300)
      .meta({ description: 'The PNG is a square of this many pixels (default 300).', examples: [300] }),
    account: accountIdField.optional(),
    channel: z.enum(CHANNELS, expecting('paybill or till')).optional().meta({
      description:
        "`till`: Buy Goods to the account's till (`TrxCode` BG); `paybill`: the account's PayBill (`TrxCode` PB). Left out, it follows the account, as for initiate.",
    }),
  });
};
export type CreateQrCodeInput = z.infer<ReturnType<typeof createQrCodeBody>>;

export const qrCodeIdParams = z.object({
  id: text(ID)
    .max(64, expecting(ID))
    .regex(/^qr_[0-9a-z]+$/, expecting(ID))
    .meta({ examples: ['qr_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

export const qrCodeSchema = z
  .object({
    id: z.string().meta({ examples: ['qr_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    accountId: z.string().nullable().meta({ description: "null: the deployment's own account." }),
    channel: z.enum(CHANNELS),
    trxCode: z
      .enum(['BG', 'PB'])
      .meta({ description: "Daraja's TrxCode: BG (Buy Goods, a till) or PB (PayBill)." }),
    cpi: z
      .string()
      .meta({ description: 'The till or PayBill the customer pays (Daraja `CPI`).', examples: ['5050505'] }),
    merchantName: z.string(),
    amount: z.number().int(),
    reference: z
      .string()
      .meta({ description: 'The matching key of the payment it produces.', examples: ['INV-9'] }),
    size: z.number().int(),
    png: z.string().meta({ description: 'The QR image as Daraja returned it: a PNG, base64.' }),
    svg: z.string().nullable().meta({
      description:
        'The same QR as SVG, for print: made here from what the PNG encodes (Daraja returns a PNG only). null when the PNG could not be read.',
    }),
    payload: z
      .string()
      .nullable()
      .meta({ description: "What the QR encodes, as read from the PNG; its format is M-Pesa's own." }),
    darajaResponseCode: z.string().meta({
      description: "Daraja's `ResponseCode`: for this API an opaque id, not a status.",
      examples: ['AG_20191219_000043fdf61864fe9ff5'],
    }),
    darajaRequestId: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'QrCode', description: 'A Dynamic QR generated with Daraja for an account.' });
export type QrCodeView = z.output<typeof qrCodeSchema>;

export const qrCodeResponseSchema = z.object({ qrCode: qrCodeSchema }).meta({ id: 'QrCodeResponse' });
