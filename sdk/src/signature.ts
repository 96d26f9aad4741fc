// The request signature the service checks (docs/api.md, "Signing requests"): hex HMAC-SHA256,
// keyed with the secret key, over "<unix seconds>\n<METHOD>\n<path with query>\n<raw body>".
// The service signs against the path it receives, so sign the exact path and query string
// that go on the wire, and send the exact body string that was signed.
import { createHmac } from 'node:crypto';

export interface SignatureHeaders {
  'X-Api-Key': string;
  'X-Timestamp': string;
  'X-Signature': string;
}

export interface SignInput {
  publicKey: string;
  secretKey: string;
  method: string;
  /** Path and query, e.g. `/api/v1/transactions?status=pending`. */
  pathWithQuery: string;
  body: string;
  /** Unix seconds; now when omitted. */
  timestamp?: number;
}

export function signRequest({
  publicKey,
  secretKey,
  method,
  pathWithQuery,
  body,
  timestamp,
}: SignInput): SignatureHeaders {
  const seconds = String(timestamp ?? Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secretKey)
    .update(`${seconds}\n${method.toUpperCase()}\n${pathWithQuery}\n${body}`)
    .digest('hex');
  return { 'X-Api-Key': publicKey, 'X-Timestamp': seconds, 'X-Signature': signature };
}
