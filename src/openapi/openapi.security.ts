// How callers authenticate, as OpenAPI security schemes. The signature is three headers that
// go together (one security requirement naming all three); how to compute it is told in the
// X-Signature scheme, matching src/security/signature.ts.
import type { Auth } from '../core/openapi.types';

export const SIGNATURE_SCHEMES = {
  apiKey: 'MerchantApiKey',
  timestamp: 'MerchantTimestamp',
  signature: 'MerchantSignature',
} as const;
export const ADMIN_SCHEME = 'AdminToken';
/** The dashboard's session cookie (src/operators), with X-CSRF-Token on writes and X-Project-Id/X-Mode on merchant routes. */
export const SESSION_SCHEME = 'DashboardSession';
/** How merchants authenticate the webhooks we send them (the reverse direction of the others). */
export const WEBHOOK_SCHEME = 'StandardWebhooksSignature';

export function securitySchemes(toleranceSeconds: number) {
  return {
    [SIGNATURE_SCHEMES.apiKey]: {
      type: 'apiKey',
      in: 'header',
      name: 'X-Api-Key',
      description:
        "The project's public key (`pk_…`). Sent with `X-Timestamp` and `X-Signature` on every merchant request.",
    },
    [SIGNATURE_SCHEMES.timestamp]: {
      type: 'apiKey',
      in: 'header',
      name: 'X-Timestamp',
      description: `Now, in unix seconds. Requests more than ${toleranceSeconds} s away from the server clock are refused with \`signature_expired\`.`,
    },
    [SIGNATURE_SCHEMES.signature]: {
      type: 'apiKey',
      in: 'header',
      name: 'X-Signature',
      description: signatureHowTo(),
    },
    [ADMIN_SCHEME]: {
      type: 'http',
      scheme: 'bearer',
      description:
        'The operator token (`ADMIN_TOKEN`, or `data/admin-token` in simulator mode) for project management.',
    },
    [SESSION_SCHEME]: {
      type: 'apiKey',
      in: 'cookie',
      name: 'mb_session',
      description: [
        "The dashboard's session cookie (`POST /api/v1/dashboard/session` sets it; HttpOnly, SameSite=Strict).",
        'It stands in for the signature on merchant routes, with the project in `X-Project-Id` and the mode in `X-Mode` (`test` when left out), for the projects its user may see,',
        "and for the admin token on operator routes when its user is an operator. Every state-changing request made with it sends the session's `csrfToken` as `X-CSRF-Token`, from the service's own origin.",
      ].join(' '),
    },
    [WEBHOOK_SCHEME]: {
      type: 'apiKey',
      in: 'header',
      name: 'webhook-signature',
      description: [
        'On the webhooks mpesa-bridge sends **to your endpoint**: the Standard Webhooks signature, so your server knows a delivery is ours and unchanged.',
        'Each delivery carries `webhook-id` (the event id: dedupe on it), `webhook-timestamp` (unix seconds of this attempt) and',
        '`webhook-signature`: `v1,<base64 HMAC-SHA256 of "id.timestamp.raw body">`, keyed with the base64 part of your endpoint\'s `whsec_` secret',
        '(two entries while a secret rotates: accept either). Verify the raw body before parsing it, and refuse timestamps far from your clock:',
        '`verifyWebhook(headers, rawBody, secret)` in the SDK, or any Standard Webhooks library, does both.',
      ].join(' '),
    },
  };
}

export function signatureHowTo(): string {
  return [
    "Lowercase hex HMAC-SHA256, keyed with the project's secret key (`sk_…`), of four lines joined by `\\n`:",
    '',
    '```',
    '<X-Timestamp>\\n<METHOD>\\n<path with query>\\n<raw body>',
    '```',
    '',
    '- `METHOD` in upper case (`GET`, `POST`).',
    '- The path exactly as sent, with its query string: `/api/v1/transactions?status=completed&limit=10`.',
    '- The raw body: the exact bytes you send (sign the string you send, not a re-serialised object); empty for a GET.',
    '',
    'Node:',
    '',
    '```js',
    'const timestamp = String(Math.floor(Date.now() / 1000));',
    "const signature = crypto.createHmac('sha256', secretKey)",
    "  .update(`${timestamp}\\n${method}\\n${pathWithQuery}\\n${body}`).digest('hex');",
    '```',
    '',
    'Shell:',
    '',
    '```sh',
    'printf \'%s\\n%s\\n%s\\n%s\' "$TS" POST "$P" "$BODY" | openssl dgst -sha256 -hmac "$SECRET_KEY" -hex | sed \'s/^.* //\'',
    '```',
  ].join('\n');
}

export function securityFor(auth: Auth): Record<string, string[]>[] {
  if (auth === 'signature') {
    return [
      {
        [SIGNATURE_SCHEMES.apiKey]: [],
        [SIGNATURE_SCHEMES.timestamp]: [],
        [SIGNATURE_SCHEMES.signature]: [],
      },
      { [SESSION_SCHEME]: [] },
    ];
  }
  if (auth === 'admin') return [{ [ADMIN_SCHEME]: [] }, { [SESSION_SCHEME]: [] }];
  if (auth === 'session') return [{ [SESSION_SCHEME]: [] }];
  return [];
}
