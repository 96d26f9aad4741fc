// Requests and answers of "did receipt X pay us?" (status-query.routes.ts): what the merchant
// sends, and the view every answer, event and webhook carries.
import { z } from 'zod';
import { expecting, text } from '../validation';
import { accountIdField } from '../payments/transaction.schema';
import {
  statusQuerySchema,
  STATUS_QUERY_STATUSES,
  type StatusQueryStatus,
  type StatusQueryView,
} from '../core/status-query.view';

export { statusQuerySchema, STATUS_QUERY_STATUSES, type StatusQueryStatus, type StatusQueryView };

const RECEIPT = 'an M-Pesa receipt number (10 letters and digits, e.g. UJ22T8IYOU)';
const ID = 'a status query id (tsq_…)';

export const createStatusQueryBody = z.strictObject({
  receipt: text(RECEIPT)
    .regex(/^[A-Za-z0-9]{10}$/, expecting(RECEIPT))
    .meta({
      description:
        "The receipt to ask M-Pesa about (Daraja's `TransactionID`), as on the customer's SMS; any case.",
      examples: ['UJ22T8IYOU'],
    }),
  account: accountIdField.optional(),
});
export type CreateStatusQueryInput = z.infer<typeof createStatusQueryBody>;

export const statusQueryIdParams = z.object({
  id: text(ID)
    .max(64, expecting(ID))
    .regex(/^tsq_[0-9a-z]+$/, expecting(ID))
    .meta({ examples: ['tsq_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

export const statusQueryResponseSchema = z
  .object({ statusQuery: statusQuerySchema })
  .meta({ id: 'StatusQueryResponse' });
