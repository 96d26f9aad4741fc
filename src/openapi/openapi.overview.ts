// The document's introduction (info.description, Markdown): what every endpoint shares.
// The error table is generated from src/errors.ts, so it lists exactly the codes in use.
import { ERROR_STATUS } from '../errors';
import { ERROR_CODES, ERROR_EXPLANATIONS } from './openapi.errors';

export function overview(toleranceSeconds: number): string {
  return [
    'M-Pesa STK Push middleware. Your backend asks for a payment with one signed call; the customer gets the M-Pesa PIN prompt; ' +
      'the result reaches your page live over Socket.io and your backend through the status API (and webhooks).',
    '',
    '### Authentication',
    '',
    '- **Merchant API** (transactions): three headers on every request: `X-Api-Key` (public key `pk_…`), ' +
      `\`X-Timestamp\` (unix seconds, ±${toleranceSeconds} s) and \`X-Signature\`.`,
    '- **Operator API** (projects): `Authorization: Bearer <ADMIN_TOKEN>`.',
    '',
    '`X-Signature` is the hex HMAC-SHA256 of `<X-Timestamp>\\n<METHOD>\\n<path with query>\\n<raw body>` keyed with the secret key; ' +
      'the `MerchantSignature` security scheme spells it out, with Node and shell examples.',
    '',
    '### Errors',
    '',
    'Every error has one shape, `{ "error": { "code", "message", "requestId", "details"? } }` (schema `Error`). ' +
      'Branch on `code`; `requestId` is also in the `X-Request-Id` header.',
    '',
    '| HTTP | code | when |',
    '|---|---|---|',
    ...ERROR_CODES.map((code) => `| ${ERROR_STATUS[code]} | \`${code}\` | ${ERROR_EXPLANATIONS[code]} |`),
    '',
    '### Real-time and webhooks',
    '',
    'The Socket.io events (`subscribe`, `transaction.updated`; the project stream `transaction`, `event`, `callback`) are described under the `x-socket-io` extension, with their ' +
      'payloads as components (`SubscribeRequest`, `SubscribeAck`, `ClientTransaction`, `ProjectStreamAuth`, …). Webhook deliveries are under `webhooks`.',
  ].join('\n');
}
