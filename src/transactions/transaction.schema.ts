import { z } from 'zod';
import type { Config } from '../config';
import { normalizeKenyanPhone } from './phone';
import { STATUSES } from './transaction.states';

const METADATA_MAX_BYTES = 2048;
const LIST_LIMIT_MAX = 100;

export const phoneField = z
  .string()
  .transform((value, ctx) => {
    const phone = normalizeKenyanPhone(value);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'must be a Kenyan mobile number, e.g. 0712345678 or 254712345678' });
      return z.NEVER;
    }
    return phone;
  });

// Daraja documents AccountReference up to 12 characters and TransactionDesc up to 13; longer
// ones may be accepted and then fail asynchronously with 1025 (shared/daraja.md §2).
const printable = /^[\x20-\x7E]+$/;

export function initiateBody(amount: Config['amount']) {
  return z.strictObject({
    phone: phoneField,
    amount: z.number().int('must be a whole number of KES').min(amount.min).max(amount.max),
    accountReference: z.string().trim().min(1).max(12).regex(printable, 'must be printable ASCII'),
    description: z.string().trim().min(1).max(13).regex(printable, 'must be printable ASCII').optional(),
    channel: z.enum(['paybill', 'till']).default('paybill'),
    metadata: z
      .record(z.string(), z.unknown())
      .refine((value) => Buffer.byteLength(JSON.stringify(value)) <= METADATA_MAX_BYTES, `must be at most ${METADATA_MAX_BYTES} bytes of JSON`)
      .optional(),
  });
}
export type InitiateInput = z.infer<ReturnType<typeof initiateBody>>;

export const idempotencyKeyHeader = z.string().min(1).max(255).regex(/^[\x21-\x7E]+$/, 'must be visible ASCII');

export const transactionIdParams = z.object({ id: z.string().min(1).max(64) });

export const listQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  phone: phoneField.optional(),
  from: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
  to: z.iso.datetime({ offset: true }).transform((value) => new Date(value)).optional(),
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(20),
  cursor: z.string().regex(/^txn_[0-9a-z]+$/, 'must be a nextCursor value from a previous page').optional(),
});
export type ListQuery = z.infer<typeof listQuery>;
