// Requests and answers of the request log (request-log.routes.ts).
import { z } from 'zod';
import { expecting, text } from '../validation';

const LIMIT = 'a whole number from 1 to 100';
const CURSOR = 'a nextCursor value from a previous page';
const ERROR_CODE = 'an error code such as signature_invalid';

export const requestLogQuery = z.strictObject({
  status: z
    .enum(['2xx', '4xx', '5xx'], expecting('2xx, 4xx or 5xx'))
    .optional()
    .meta({ description: 'Only answers of this class.', examples: ['4xx'] }),
  errorCode: text(ERROR_CODE)
    .max(64, expecting(ERROR_CODE))
    .regex(/^[a-z][a-z0-9_]*$/, expecting(ERROR_CODE))
    .optional()
    .meta({ description: 'Only answers with this error code.', examples: ['signature_invalid'] }),
  limit: z.coerce
    .number(expecting(LIMIT))
    .int(expecting(LIMIT))
    .min(1, expecting(LIMIT))
    .max(100, expecting(LIMIT))
    .default(50),
  cursor: text(CURSOR)
    .max(64, expecting(CURSOR))
    .regex(/^rql_[0-9a-z]+$/, expecting(CURSOR))
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page.' }),
});
export type RequestLogQuery = z.output<typeof requestLogQuery>;

export const requestLogEntrySchema = z
  .object({
    id: z.string().meta({ examples: ['rql_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    at: z.iso.datetime().meta({ description: 'When the request arrived.' }),
    method: z.string().meta({ examples: ['POST'] }),
    path: z.string().meta({
      description: 'Without the query string; phone numbers masked (254712***678).',
      examples: ['/api/v1/transactions/initiate'],
    }),
    status: z
      .number()
      .int()
      .meta({ description: 'The HTTP status answered.', examples: [401] }),
    errorCode: z
      .string()
      .nullable()
      .meta({ description: 'The error code answered; null for a success.', examples: ['signature_invalid'] }),
    latencyMs: z.number().int().meta({ description: 'From arrival to the last byte of the answer.' }),
    requestId: z.string().meta({ description: 'The `X-Request-Id` answered (and in the service log).' }),
    publicKey: z.string().meta({
      description: 'The public key the request was signed with (never a secret).',
      examples: ['pk_test_…'],
    }),
  })
  .meta({
    id: 'RequestLogEntry',
    description: 'One signed API request: never its body, headers or secrets.',
  });
export type RequestLogEntryView = z.output<typeof requestLogEntrySchema>;

export const requestLogPageSchema = z
  .object({
    data: z.array(requestLogEntrySchema).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable(),
  })
  .meta({ id: 'RequestLogPage' });
