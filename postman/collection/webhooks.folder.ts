// Webhooks (signed): endpoints, the event log, replay, and reconciliation on demand. Runs after
// the Transactions folder, whose completed payment ({{transactionId}}) left a
// transaction.completed event in the log. The endpoint points at a port nothing listens on, so
// the run needs no receiver: its deliveries fail and wait for their retry, which is what the
// deliveries list then shows.
import { expectError, expectStatus, expectTransactionShape, signedRequest } from './checks';
import { folder, json } from './postman-format';

/** The discard port: nothing answers, so attempts fail at once (simulator mode allows plain http and loopback). */
const UNREACHABLE_URL = 'http://127.0.0.1:9/hooks';

const endpointPath = {
  path: '/api/v1/webhook-endpoints/:id',
  pathVariables: { id: '{{webhookEndpointId}}' },
};

/** Asserts `endpoint` (a variable in the script) has the endpoint view's fields and never a secret. */
const expectEndpointShape = `
pm.test('endpoint has the endpoint view, without its secret', () => {
  pm.expect(endpoint).to.include.all.keys('id', 'url', 'description', 'eventTypes', 'enabled', 'disabledReason', 'failingSince',
    'previousSecretExpiresAt', 'createdAt', 'updatedAt');
  pm.expect(endpoint.id).to.match(/^we_/);
  pm.expect(endpoint.eventTypes).to.be.an('array').that.is.not.empty;
});
`;

/** The signing secret is shown at creation and rotation only: saved for checking deliveries (verifyWebhook). */
const saveSecret = `
pm.test('a whsec_ signing secret, saved to the environment', () => {
  pm.expect(body.secret).to.match(/^whsec_[A-Za-z0-9+/]+=*$/);
  pm.environment.set('webhookSecret', body.secret);
});
`;

const expectDeliveryShape = `
pm.test('delivery has the delivery view', () => {
  pm.expect(delivery).to.have.all.keys('id', 'eventId', 'endpointId', 'status', 'attempts', 'nextAttemptAt', 'lastStatusCode',
    'lastError', 'createdAt', 'completedAt');
  pm.expect(delivery.id).to.match(/^whd_/);
  pm.expect(['pending', 'succeeded', 'failed']).to.include(delivery.status);
});
`;

const endpoints = [
  signedRequest({
    name: 'Create webhook endpoint',
    method: 'POST',
    path: '/api/v1/webhook-endpoints',
    body: json({ url: UNREACHABLE_URL, description: 'Postman run', eventTypes: ['*'] }),
    description: [
      `Registers where events are POSTed. \`${UNREACHABLE_URL}\` is a port nothing listens on, so this run needs no receiver (its deliveries fail and are retried); put your own receiver's URL here to see real deliveries. Outside simulator and development mode the URL must be https and resolve to a public address.`,
      '`eventTypes`: `transaction.completed`, `transaction.failed`, `transaction.cancelled`, `transaction.expired`, `webhook_endpoint.disabled`, or `*` for all (the default).',
      'The answer holds the signing secret (`whsec_...`), shown this once: saved as `webhookSecret`. The endpoint id is saved as `webhookEndpointId`.',
    ].join('\n\n'),
    tests: `${expectStatus(201)}
const body = pm.response.json();
const endpoint = body.endpoint;
${expectEndpointShape}
pm.test('enabled, for every event type, at the URL sent', () => {
  pm.expect(endpoint.url).to.equal('${UNREACHABLE_URL}');
  pm.expect(endpoint.eventTypes).to.eql(['*']);
  pm.expect(endpoint.enabled).to.equal(true);
  pm.expect(endpoint.disabledReason).to.equal(null);
  pm.expect(endpoint.description).to.equal('Postman run');
});
${saveSecret}
pm.environment.set('webhookEndpointId', endpoint.id);`,
  }),
  signedRequest({
    name: 'List webhook endpoints',
    method: 'GET',
    path: '/api/v1/webhook-endpoints',
    description: "The project's endpoints, newest first: `{data}`. Secrets are never listed.",
    tests: `${expectStatus(200)}
const page = pm.response.json();
pm.test('the new endpoint is listed, without its secret', () => {
  const endpoint = page.data.find((e) => e.id === pm.environment.get('webhookEndpointId'));
  pm.expect(endpoint, 'the endpoint saved as webhookEndpointId').to.be.an('object');
  pm.expect(endpoint).to.not.have.any.keys('secret', 'secretEnc');
});`,
  }),
  signedRequest({
    name: 'Get webhook endpoint',
    method: 'GET',
    ...endpointPath,
    tests: `${expectStatus(200)}
const { endpoint } = pm.response.json();
${expectEndpointShape}
pm.test('the endpoint saved as webhookEndpointId', () => pm.expect(endpoint.id).to.equal(pm.environment.get('webhookEndpointId')));`,
  }),
  signedRequest({
    name: 'Disable webhook endpoint',
    method: 'PATCH',
    ...endpointPath,
    body: json({ enabled: false }),
    description:
      'Nothing is sent while it is disabled; its deliveries wait, pending. `disabledReason` is `manual` (the service sets `failing` or `gone` when it gives up on an endpoint).',
    tests: `${expectStatus(200)}
const { endpoint } = pm.response.json();
pm.test('disabled by hand', () => {
  pm.expect(endpoint.enabled).to.equal(false);
  pm.expect(endpoint.disabledReason).to.equal('manual');
});`,
  }),
  signedRequest({
    name: 'Enable webhook endpoint',
    method: 'PATCH',
    ...endpointPath,
    body: json({ enabled: true, description: 'Postman run (re-enabled)' }),
    description:
      'Enabling sends what was kept pending at once. Any of `url`, `description` (null clears it), `eventTypes` and `enabled` may change in one call.',
    tests: `${expectStatus(200)}
const { endpoint } = pm.response.json();
pm.test('enabled again, with the new description', () => {
  pm.expect(endpoint.enabled).to.equal(true);
  pm.expect(endpoint.disabledReason).to.equal(null);
  pm.expect(endpoint.description).to.equal('Postman run (re-enabled)');
});`,
  }),
  signedRequest({
    name: 'Rotate webhook secret',
    method: 'POST',
    path: '/api/v1/webhook-endpoints/:id/secret/rotate',
    pathVariables: { id: '{{webhookEndpointId}}' },
    body: json({ overlapSeconds: 3600 }),
    description:
      'A new signing secret (saved as `webhookSecret`). For `overlapSeconds` (default 24 h) deliveries carry signatures made with both the old and the new secret, so a receiver can switch without losing any.',
    preRequest: `
// Kept to check the rotation gave a different secret.
pm.collectionVariables.set('previousWebhookSecret', pm.environment.get('webhookSecret') || '');
`,
    tests: `${expectStatus(200)}
const body = pm.response.json();
const endpoint = body.endpoint;
${expectEndpointShape}
pm.test('a new secret; the old one signs too for about an hour', () => {
  pm.expect(body.secret).to.not.equal(pm.collectionVariables.get('previousWebhookSecret'));
  const overlap = Date.parse(endpoint.previousSecretExpiresAt) - Date.now();
  pm.expect(overlap).to.be.within(3500 * 1000, 3600 * 1000);
});
pm.collectionVariables.unset('previousWebhookSecret');
${saveSecret}`,
  }),
];

const events = [
  signedRequest({
    name: 'List events',
    method: 'GET',
    path: '/api/v1/events',
    query: [
      { key: 'type', value: 'transaction.completed', description: 'One event type (optional)' },
      { key: 'limit', value: '20', description: '1 to 100 (default 20)' },
      {
        key: 'transactionId',
        value: '{{transactionId}}',
        disabled: true,
        description: 'Only the events of one payment',
      },
      { key: 'cursor', value: '', disabled: true, description: "The previous page's nextCursor" },
    ],
    description:
      'The project\'s event log, newest first: `{data, nextCursor}`. Every event is logged, whether or not an endpoint wanted it. The payment of "Initiate payment" completed, so its `transaction.completed` event is here: saved as `eventId`.',
    tests: `${expectStatus(200)}
const page = pm.response.json();
const event = page.data.find((e) => e.transactionId === pm.environment.get('transactionId'));
pm.test('the transaction.completed event of the payment saved as transactionId', () => {
  pm.expect(event, 'an event for {{transactionId}}').to.be.an('object');
  pm.expect(event).to.have.all.keys('id', 'type', 'transactionId', 'createdAt', 'data');
  pm.expect(event.id).to.match(/^evt_/);
  pm.expect(event.type).to.equal('transaction.completed');
  pm.expect(event.data.transaction.id).to.equal(pm.environment.get('transactionId'));
  pm.expect(event.data.transaction.status).to.equal('completed');
});
pm.test('only transaction.completed events, newest first', () => {
  pm.expect(page.data.every((e) => e.type === 'transaction.completed')).to.equal(true);
  const ids = page.data.map((e) => e.id);
  pm.expect(ids).to.eql([...ids].sort().reverse());
});
if (event) pm.environment.set('eventId', event.id);`,
  }),
  signedRequest({
    name: 'Redeliver event',
    method: 'POST',
    path: '/api/v1/events/:id/redeliver',
    pathVariables: { id: '{{eventId}}' },
    body: json({ endpointId: '{{webhookEndpointId}}' }),
    description:
      'Sends the event again, with the same id (`webhook-id`), so receivers that dedupe see it once: to one endpoint (`endpointId`), or without a body to every endpoint that wants its type, including endpoints registered after it happened, as here.',
    tests: `${expectStatus(202)}
const { deliveries } = pm.response.json();
pm.test('one delivery, to the endpoint, queued from its first attempt', () => {
  pm.expect(deliveries).to.have.lengthOf(1);
  const [delivery] = deliveries;
  pm.expect(delivery.eventId).to.equal(pm.environment.get('eventId'));
  pm.expect(delivery.endpointId).to.equal(pm.environment.get('webhookEndpointId'));
  pm.expect(delivery.status).to.equal('pending');
  pm.expect(delivery.attempts).to.equal(0);
});`,
  }),
  signedRequest({
    name: 'Get event',
    method: 'GET',
    path: '/api/v1/events/:id',
    pathVariables: { id: '{{eventId}}' },
    description:
      "The event with the body every delivery carries (`data`), and its deliveries, each with every attempt (`attemptLog`: status code, latency, the start of the answer, or the connection error). In a run it repeats itself (every 0.25 s, up to 20 times) until the redelivery's first attempt is on record.",
    tests: `${expectStatus(200)}
const { event, deliveries } = pm.response.json();
const transaction = event.data.transaction;
${expectTransactionShape}
pm.test('the event saved as eventId, about the completed payment', () => {
  pm.expect(event.id).to.equal(pm.environment.get('eventId'));
  pm.expect(event.transactionId).to.equal(pm.environment.get('transactionId'));
  pm.expect(transaction.status).to.equal('completed');
});
const delivery = deliveries.find((d) => d.endpointId === pm.environment.get('webhookEndpointId'));
pm.test('delivered (by "Redeliver event") to the endpoint, with its attempt log', () => {
  pm.expect(delivery, 'a delivery to {{webhookEndpointId}}').to.be.an('object');
  pm.expect(delivery.attemptLog).to.be.an('array');
});
const attempt = Number(pm.collectionVariables.get('eventAttempts') || 0) + 1;
if (delivery && delivery.attemptLog.length === 0 && attempt < 20) {
  // The worker has not tried yet: look again shortly (Collection Runner and newman only).
  pm.collectionVariables.set('eventAttempts', String(attempt));
  pm.execution.setNextRequest(pm.info.requestName);
  setTimeout(() => {}, 250);
} else {
  pm.collectionVariables.unset('eventAttempts');
  pm.test('the first attempt found nothing listening: no status code, a connection error', () => {
    const [first] = delivery.attemptLog;
    pm.expect(first).to.have.all.keys('id', 'attemptedAt', 'statusCode', 'latencyMs', 'responseBody', 'error');
    pm.expect(first.id).to.match(/^wha_/);
    pm.expect(first.statusCode).to.equal(null);
    pm.expect(first.error).to.be.a('string').that.is.not.empty;
    pm.expect(first.latencyMs).to.be.a('number');
  });
}`,
  }),
  signedRequest({
    name: 'List endpoint deliveries',
    method: 'GET',
    path: '/api/v1/webhook-endpoints/:id/deliveries',
    pathVariables: { id: '{{webhookEndpointId}}' },
    query: [
      { key: 'limit', value: '20', description: '1 to 100 (default 20)' },
      { key: 'status', value: 'failed', disabled: true, description: 'pending, succeeded or failed' },
      { key: 'cursor', value: '', disabled: true, description: "The previous page's nextCursor" },
    ],
    description: `Deliveries to this endpoint, newest first: \`{data, nextCursor}\`. Nothing listens at \`${UNREACHABLE_URL}\`, so the redelivered event stays \`pending\` after its first attempt, the next one scheduled (\`WEBHOOK_RETRY_SCHEDULE\`: 5 s, 5 min, 30 min, ...); after the last one it is \`failed\`.`,
    tests: `${expectStatus(200)}
const page = pm.response.json();
const delivery = page.data.find((d) => d.eventId === pm.environment.get('eventId'));
pm.test('the redelivered event is listed for this endpoint', () => {
  pm.expect(delivery, 'a delivery of {{eventId}}').to.be.an('object');
  pm.expect(delivery.endpointId).to.equal(pm.environment.get('webhookEndpointId'));
});
${expectDeliveryShape}
pm.test('tried, refused, and waiting for its next attempt', () => {
  pm.expect(delivery.status).to.equal('pending');
  pm.expect(delivery.attempts).to.be.at.least(1);
  pm.expect(delivery.lastStatusCode).to.equal(null);
  pm.expect(delivery.lastError).to.be.a('string').that.is.not.empty;
  pm.expect(Date.parse(delivery.nextAttemptAt)).to.be.above(Date.parse(delivery.createdAt));
});`,
  }),
  signedRequest({
    name: 'Redeliver failed deliveries',
    method: 'POST',
    path: '/api/v1/webhook-endpoints/:id/redeliver-failed',
    pathVariables: { id: '{{webhookEndpointId}}' },
    body: json({ since: '2025-01-01T00:00:00+03:00' }),
    description:
      'After an outage: sends again, from the first attempt, every delivery to this endpoint that failed for good since `since` (ISO 8601 with an offset: set it to when the outage began). Answers `{redelivered: n}`. In this run nothing has failed for good yet (its one delivery is still being retried), so n is 0.',
    tests: `${expectStatus(202)}
const body = pm.response.json();
pm.test('how many were sent again: none yet in this run', () => {
  pm.expect(body).to.have.all.keys('redelivered');
  pm.expect(body.redelivered).to.equal(0);
});`,
  }),
  signedRequest({
    name: 'Reconcile transaction',
    method: 'POST',
    path: '/api/v1/transactions/:id/reconcile',
    pathVariables: { id: '{{transactionId}}' },
    description:
      "Asks M-Pesa now (STK Query) about a payment still pending, for when its callback was lost, instead of waiting for the service's own reconciliation. `reconciliation.outcome`: `settled`, `already_final`, `in_progress`, `no_answer`, `awaiting_callback`, `expired` or `busy`. This payment already completed: `already_final`, and nothing is asked.",
    tests: `${expectStatus(200)}
const { transaction, reconciliation } = pm.response.json();
${expectTransactionShape}
pm.test('already final: the completed payment, unchanged', () => {
  pm.expect(reconciliation).to.eql({ outcome: 'already_final' });
  pm.expect(transaction.id).to.equal(pm.environment.get('transactionId'));
  pm.expect(transaction.status).to.equal('completed');
});`,
  }),
];

const errors = folder('Errors (webhooks)', 'Refusals, each with its error code.', [
  signedRequest({
    name: 'Create webhook endpoint with an unknown event type',
    method: 'POST',
    path: '/api/v1/webhook-endpoints',
    body: json({ url: UNREACHABLE_URL, eventTypes: ['transaction.refunded'] }),
    description:
      'Only the event types the service sends (or `*`): `400 validation_failed`, with the field in `details.fields`.',
    tests: `${expectError(400, 'validation_failed')}
pm.test('details.fields names eventTypes', () => {
  const { fields } = pm.response.json().error.details;
  pm.expect(fields.some((f) => f.field.startsWith('eventTypes'))).to.equal(true);
});`,
  }),
  signedRequest({
    name: 'Get an unknown event',
    method: 'GET',
    path: '/api/v1/events/:id',
    pathVariables: { id: 'evt_doesnotexist' },
    tests: expectError(404, 'event_not_found'),
  }),
]);

const cleanUp = [
  signedRequest({
    name: 'Delete webhook endpoint',
    method: 'DELETE',
    ...endpointPath,
    description:
      'Stops deliveries to it (pending ones are marked failed). Its delivery history stays readable through `GET /api/v1/events/:id`.',
    tests: `
pm.test('status 204, no body', () => {
  pm.response.to.have.status(204);
  pm.expect(pm.response.text()).to.equal('');
});`,
  }),
  signedRequest({
    name: 'Get the deleted webhook endpoint',
    method: 'GET',
    ...endpointPath,
    tests: expectError(404, 'webhook_endpoint_not_found'),
  }),
];

export const webhooksFolder = folder(
  'Webhooks (signed)',
  [
    'Webhook endpoints, the event log, replay, and reconciliation on demand. Signed like the Transactions folder; run it after that folder (it reads `transactionId`, the completed payment).',
    "Deliveries follow the Standard Webhooks spec: headers `webhook-id`, `webhook-timestamp`, `webhook-signature` (`v1,<base64 HMAC-SHA256>` keyed with the base64 part of `{{webhookSecret}}` after `whsec_`, over `id.timestamp.body`). The SDK's `verifyWebhook` checks them.",
  ].join('\n\n'),
  [...endpoints, ...events, ...cleanUp, errors],
);
