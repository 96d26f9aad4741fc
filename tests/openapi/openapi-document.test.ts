// GET /openapi.json from a real server: a valid OpenAPI 3.1 document (checked by a standard
// validator) that carries the signature scheme, every error code, the Socket.io events and
// the webhook deliveries.
import { compileErrors, validate } from '@readme/openapi-parser';
import Ajv2020 from 'ajv/dist/2020';
import { ERROR_STATUS } from '../../src/errors';
import type { OpenApiDocument } from '../../src/core/openapi.types';
import { startTestServer, type TestServer } from '../helpers/server';
import { fetchDocument } from './document';

let server: TestServer;
let doc: OpenApiDocument;

beforeAll(async () => {
  server = await startTestServer({ AMOUNT_MIN: '5', AMOUNT_MAX: '70000' });
  doc = await fetchDocument(server.url);
});
afterAll(() => server.close());

describe('when a client fetches /openapi.json', () => {
  it('then a standard OpenAPI 3.1 validator accepts it', async () => {
    expect(doc.openapi).toBe('3.1.0');
    // The validator dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
    expect(result.warnings).toEqual([]);
  });

  it('then every schema in it is a valid JSON Schema 2020-12 (the dialect of OpenAPI 3.1)', () => {
    const ajv = new Ajv2020({ strict: false });
    const invalid = Object.entries(doc.components.schemas)
      .filter(([, schema]) => !ajv.validateSchema(schema))
      .map(([name]) => `${name}: ${ajv.errorsText(ajv.errors)}`);
    expect(invalid).toEqual([]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Transaction',
        'ClientTransaction',
        'Failure',
        'TransactionPage',
        'InitiateResponse',
        'Project',
        'ProjectWithSecret',
        'Error',
      ]),
    );
  });

  it('then request schemas follow the running configuration and describe what the client sends', () => {
    const body = doc.paths['/api/v1/transactions/initiate']?.post?.requestBody?.content['application/json']
      ?.schema as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    expect(body.properties.amount).toMatchObject({ type: 'integer', minimum: 5, maximum: 70000 });
    // phone is transformed by the server; the document shows the input a client sends.
    expect(body.properties.phone).toMatchObject({ type: 'string', examples: ['0712345678'] });
    // No fixed default: the channel follows the account (a till account pays its till).
    expect(body.properties.channel).toMatchObject({ enum: ['paybill', 'till'] });
    expect(body.properties.channel?.default).toBeUndefined();
    expect(body.required).toEqual(['phone', 'amount', 'accountReference']);
    const list = doc.paths['/api/v1/transactions']?.get?.parameters ?? [];
    expect(list.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual([
      'query:status:false',
      'query:channel:false',
      'query:phone:false',
      'query:accountReference:false',
      'query:receipt:false',
      'query:from:false',
      'query:to:false',
      'query:limit:false',
      'query:cursor:false',
    ]);
  });

  it('then it tells how to sign: three headers required together, with how X-Signature is computed', () => {
    const schemes = doc.components.securitySchemes;
    const headers = Object.values(schemes)
      .filter((s) => s.in === 'header')
      .map((s) => s.name);
    expect(headers).toEqual(['X-Api-Key', 'X-Timestamp', 'X-Signature', 'webhook-signature']);
    expect(String(schemes.MerchantSignature?.description)).toContain(
      '<X-Timestamp>\\n<METHOD>\\n<path with query>\\n<raw body>',
    );
    expect(schemes.AdminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/transactions/{id}']?.get?.security).toEqual([
      { MerchantApiKey: [], MerchantTimestamp: [], MerchantSignature: [] },
      { DashboardSession: [] },
    ]);
    expect(doc.paths['/api/v1/projects']?.post?.security).toEqual([
      { AdminToken: [] },
      { DashboardSession: [] },
    ]);
    expect(doc.paths['/health']?.get?.security).toEqual([]);
  });

  it('then the error shape lists every error code the service has, each with its status', () => {
    const error = doc.components.schemas.Error as {
      properties: {
        error: { properties: { code: { enum: string[]; 'x-enumDescriptions': Record<string, string> } } };
      };
    };
    const code = error.properties.error.properties.code;
    expect(code.enum.sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    for (const [name, status] of Object.entries(ERROR_STATUS))
      expect(code['x-enumDescriptions'][name]).toMatch(new RegExp(`^${status}: `));
    for (const name of Object.keys(ERROR_STATUS)) expect(doc.info.description).toContain(`\`${name}\``);
    // Signed routes document the signature failures with an example of each.
    const unauthorized =
      doc.paths['/api/v1/transactions/initiate']?.post?.responses['401']?.content?.['application/json'];
    // (and the dashboard session that may stand in for the signature)
    expect(Object.keys(unauthorized?.examples ?? {}).sort()).toEqual([
      'api_key_unknown',
      'session_invalid',
      'signature_expired',
      'signature_invalid',
      'signature_missing',
      'signature_replayed',
    ]);
    // A read cannot be replayed harmfully: it is not refused as one.
    const readUnauthorized =
      doc.paths['/api/v1/transactions']?.get?.responses['401']?.content?.['application/json'];
    expect(Object.keys(readUnauthorized?.examples ?? {})).not.toContain('signature_replayed');
  });

  it("then the operations a member's dashboard session may not call say so and list dashboard_forbidden", () => {
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item));
    const operatorsOnly = operations.filter((operation) =>
      operation.description?.includes('**Dashboard sessions:** operators only'),
    );
    expect(operatorsOnly.map((operation) => operation.operationId).sort()).toEqual([
      'createMpesaAccount',
      'deleteMpesaAccount',
      'disableC2b',
      'enableC2b',
      'rotateWebhookSecret',
      'runC2bPull',
      'setC2bPull',
      'updateMpesaAccount',
    ]);
    for (const operation of operatorsOnly)
      expect(operation.responses['403']?.content?.['application/json']?.examples).toHaveProperty(
        'dashboard_forbidden',
      );
    const rotate = doc.paths['/api/v1/webhook-endpoints/{id}/secret/rotate']?.post;
    expect(rotate?.description).toContain('operators only (in live mode)');
    // A member reads the accounts: the list says nothing of operators.
    const list = doc.paths['/api/v1/mpesa-accounts']?.get;
    expect(list?.description ?? '').not.toContain('operators only');
    expect(list?.responses['403']?.content?.['application/json']?.examples ?? {}).not.toHaveProperty(
      'dashboard_forbidden',
    );
  });

  it('then the Socket.io events are documented with their payload components', () => {
    const events = doc['x-socket-io'].events;
    expect(events.map((e) => `${e.namespace} ${e.direction} ${e.name}`)).toEqual([
      '/ client-to-server subscribe',
      '/ client-to-server unsubscribe',
      '/ server-to-client transaction.updated',
      '/projects client-to-server connect',
      '/projects server-to-client transaction',
      '/projects server-to-client event',
      '/projects server-to-client callback',
    ]);
    expect(events[0]).toMatchObject({
      payload: { $ref: '#/components/schemas/SubscribeRequest' },
      ack: { $ref: '#/components/schemas/SubscribeAck' },
    });
    expect(events[2]!.payload).toEqual({ $ref: '#/components/schemas/ClientTransaction' });
    // Signed by the keys, or (a dashboard page) the session cookie with the project to follow.
    expect(events[3]).toMatchObject({
      payload: {
        anyOf: [
          { $ref: '#/components/schemas/ProjectStreamAuth' },
          { $ref: '#/components/schemas/ProjectStreamSessionAuth' },
        ],
      },
      ack: { $ref: '#/components/schemas/ProjectStreamError' },
    });
    expect(events.slice(4).map((e) => e.payload)).toEqual(
      ['StreamTransaction', 'StreamEvent', 'StreamCallback'].map((name) => ({
        $ref: `#/components/schemas/${name}`,
      })),
    );
  });

  it('then every webhook event type is documented with the Standard Webhooks headers and its payload', () => {
    expect(Object.keys(doc.webhooks)).toEqual([
      'transaction.completed',
      'transaction.failed',
      'transaction.cancelled',
      'transaction.expired',
      'transaction.received',
      'payout.succeeded',
      'payout.failed',
      'payout.unknown',
      'webhook_endpoint.disabled',
      'status_query.resolved',
    ]);
    for (const [type, { post }] of Object.entries(doc.webhooks)) {
      expect(post.parameters?.map((p) => `${p.in}:${p.name}:${p.required}`)).toEqual([
        'header:webhook-id:true',
        'header:webhook-timestamp:true',
        'header:webhook-signature:true',
      ]);
      expect(post.security).toEqual([{ StandardWebhooksSignature: [] }]);
      const ref = (post.requestBody?.content['application/json']?.schema as { $ref: string }).$ref;
      const payload = doc.components.schemas[ref.split('/').pop()!] as {
        properties: Record<string, { const?: string }>;
        required: string[];
      };
      expect(payload.required).toEqual(['id', 'type', 'timestamp', 'data']);
      expect(payload.properties.type).toMatchObject({ const: type });
    }
  });
});
