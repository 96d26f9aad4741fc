// Validation messages are ours, name the field and say where it came from.
import { z } from 'zod';
import { AppError } from '../../src/errors';
import { parseOrThrow, type InputSource } from '../../src/validation';
import {
  idempotencyKeyHeader,
  initiateBody,
  listQuery,
  transactionIdParams,
} from '../../src/payments/transaction.schema';
import {
  createEndpointBody,
  deliveriesQuery,
  endpointIdParams,
  redeliverFailedBody,
  rotateSecretBody,
  updateEndpointBody,
} from '../../src/webhooks/endpoint.schema';
import { eventIdParams, eventsQuery, redeliverEventBody } from '../../src/webhooks/event.schema';
import { createProjectBody, projectIdParams } from '../../src/projects/project.schema';
import { subscribeRequest } from '../../src/realtime/realtime.schema';

const initiate = initiateBody({ min: 1, max: 250_000 });

function refusal(schema: z.ZodType, input: unknown, source: InputSource) {
  try {
    parseOrThrow(schema, input, source);
  } catch (error) {
    if (error instanceof AppError)
      return {
        message: error.message,
        fields: (error.details as { fields: Array<{ field: string; in: string; message: string }> }).fields,
      };
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('when a request field is wrong', () => {
  it.each([
    [
      { phone: '0712345678', amount: 0.5, accountReference: 'INV1' },
      'amount must be a whole number of KES from 1 to 250000',
    ],
    [
      { phone: '0712345678', amount: 250_001, accountReference: 'INV1' },
      'amount must be a whole number of KES from 1 to 250000',
    ],
    [
      { phone: '0712345678', amount: '10', accountReference: 'INV1' },
      'amount must be a whole number of KES from 1 to 250000',
    ],
    [{ phone: '0712345678', amount: 10 }, 'accountReference is required (1–12 printable ASCII characters)'],
    [
      { phone: '0712345678', amount: 10, accountReference: 'INVOICE-12345' },
      'accountReference must be 1–12 printable ASCII characters',
    ],
    [
      { phone: '0712', amount: 10, accountReference: 'INV1' },
      'phone must be a Kenyan mobile number, e.g. 0712345678 or 254712345678',
    ],
    [
      { phone: '0712345678', amount: 10, accountReference: 'INV1', channel: 'card' },
      'channel must be paybill or till',
    ],
  ])('then %p is refused with %p', (input, message) => {
    expect(refusal(initiate, input, 'body').message).toBe(message);
  });

  it('then every wrong field is listed with where it came from, and the message counts the rest', () => {
    const { message, fields } = refusal(initiate, { amount: -1, extra: true }, 'body');
    expect(message).toBe(
      'phone is required (a Kenyan mobile number, e.g. 0712345678 or 254712345678) (and 3 more in details.fields)',
    );
    expect(fields).toEqual([
      { field: 'phone', in: 'body', message: expect.stringMatching(/^is required/) },
      { field: 'amount', in: 'body', message: 'must be a whole number of KES from 1 to 250000' },
      { field: 'accountReference', in: 'body', message: expect.stringMatching(/^is required/) },
      { field: 'extra', in: 'body', message: 'is not a field of this request' },
    ]);
  });

  it('then a query parameter says "query parameter", never "(body)"', () => {
    const { message, fields } = refusal(listQuery, { limit: '500', colour: 'red' }, 'query');
    expect(message).toBe(
      'query parameter limit must be a whole number from 1 to 100 (and 1 more in details.fields)',
    );
    expect(fields).toEqual([
      { field: 'limit', in: 'query', message: 'must be a whole number from 1 to 100' },
      { field: 'colour', in: 'query', message: 'is not a parameter of this request' },
    ]);
  });

  it('then a path parameter and a header say so', () => {
    expect(refusal(endpointIdParams, { id: 'nope' }, 'path').message).toBe(
      'path parameter id must be a webhook endpoint id (we_…)',
    );
    expect(refusal(idempotencyKeyHeader, 'two words', { header: 'Idempotency-Key' })).toEqual({
      message: 'header Idempotency-Key must be 1–255 visible ASCII characters',
      fields: [{ field: 'Idempotency-Key', in: 'header', message: 'must be 1–255 visible ASCII characters' }],
    });
  });

  it('then a body that is not an object says so', () => {
    expect(refusal(createProjectBody, [1, 2], 'body').message).toBe('The body must be a JSON object');
  });

  it('then the accountReference filter of the list is an exact, optional text', () => {
    expect(parseOrThrow(listQuery, { accountReference: ' INV001 ' }, 'query')).toMatchObject({
      accountReference: 'INV001',
    });
    expect(refusal(listQuery, { accountReference: 'x'.repeat(13) }, 'query').message).toBe(
      'query parameter accountReference must be 1–12 printable ASCII characters',
    );
  });
});

// Whatever a client sends, no message is zod's own ("Invalid input: expected string", "Too small: ...").
// zod's "…, received string" (not the event type `transaction.received` our messages list).
const LIBRARY_WORDING =
  /Invalid input|Invalid option|Too (small|big)|expected (string|number|boolean|object|array)|Unrecognized key|received (string|number|boolean|object|array|undefined|null|nan|bigint)/i;
const WRONG_VALUES: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1,
  1.5,
  1e309,
  '',
  ' ',
  'x'.repeat(3000),
  '\u0000',
  '\ud800',
  [],
  [1],
  {},
  { a: 1 },
  'not-a-date',
];

describe.each([
  ['initiate', initiate, 'body'],
  ['list query', listQuery, 'query'],
  ['transaction id', transactionIdParams, 'path'],
  ['create endpoint', createEndpointBody, 'body'],
  ['update endpoint', updateEndpointBody, 'body'],
  ['rotate secret', rotateSecretBody, 'body'],
  ['deliveries query', deliveriesQuery, 'query'],
  ['redeliver failed', redeliverFailedBody, 'body'],
  ['endpoint id', endpointIdParams, 'path'],
  ['events query', eventsQuery, 'query'],
  ['event id', eventIdParams, 'path'],
  ['redeliver event', redeliverEventBody, 'body'],
  ['create project', createProjectBody, 'body'],
  ['project id', projectIdParams, 'path'],
  ['subscribe', subscribeRequest, 'body'],
] as const)('the %s schema', (_name, schema, source) => {
  const fields = Object.keys(
    (schema as unknown as { shape?: Record<string, unknown> }).shape ??
      (schema as unknown as { def: { innerType: { shape: Record<string, unknown> } } }).def.innerType
        ?.shape ??
      {},
  );

  it(`when any of its fields gets a wrong value, then every message is ours`, () => {
    expect(fields.length).toBeGreaterThan(0);
    const messages = new Set<string>();
    for (const field of fields) {
      for (const value of WRONG_VALUES) {
        try {
          parseOrThrow(schema, { [field]: value }, source);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          for (const problem of (error.details as { fields: Array<{ message: string }> }).fields)
            messages.add(problem.message);
        }
      }
    }
    expect([...messages].filter((message) => LIBRARY_WORDING.test(message))).toEqual([]);
    expect(messages.size).toBeGreaterThan(0);
  });
});
