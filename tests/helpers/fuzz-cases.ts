// Malformed requests for one route, generated from a seed: the same seed gives the same
// requests on every run and engine. Each case is built from a few independent choices
// (method, path parameters, query, content type and encoding, body, credentials), so the
// classes combine: a NUL in a gzip body on a route with a bad path parameter, and so on.
import { gzipSync, deflateSync, brotliCompressSync, constants } from 'node:zlib';
import { sign } from '../../src/security/signature';

export interface FuzzRequest {
  method: string;
  /** Sent byte for byte as the request target (already percent-encoded where it must be). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was chosen, to name a failing case. */
  label: string;
}

export interface FuzzContext {
  publicKey: string;
  secretKey: string;
  adminToken: string;
  /** Well-formed values for path parameters by name (`id` is chosen by the route's prefix). */
  validParam(routePath: string, name: string): string;
}

export type Random = () => number;

/** mulberry32: a tiny seeded generator, enough to pick cases reproducibly. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedOf(text: string): number {
  let hash = 2166136261;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  return hash >>> 0;
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const ODD_METHODS = [
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'HEAD',
  'TRACE',
  'PROPFIND',
  'PURGE',
  'M-SEARCH',
  'LINK',
];

const BAD_SEGMENTS = [
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%00',
  'txn_%00',
  '%ED%A0%80',
  '%ED%B0%80',
  '%C0%AF',
  '%FF%FE',
  '%2e%2e',
  '..',
  'a%2Fb',
  '%F0%9F%92%B8',
  'x'.repeat(300),
  '%25',
  '%u0041',
  '%0A%0D',
  ' '.replace(' ', '%20'),
  'null',
  '-1',
  '1e309',
];

const QUERIES = [
  '',
  '',
  '',
  '?limit=1e309',
  '?limit=-1',
  '?limit=abc',
  '?limit=99999999999999999999999',
  '?status=',
  '?status=%00',
  '?status=pending&status=failed',
  '?cursor=%ZZ',
  '?cursor=txn_%00',
  '?phone=%ED%A0%80',
  '?phone=0712345678%00',
  '?from=2025-13-45T99:99:99Z',
  '?to=%00',
  '?transactionId=%00',
  '?transactionId=%ED%A0%80',
  '?type[]=x',
  '?a[b][c]=1',
  '?__proto__=x',
  '?constructor[prototype][x]=1',
  '?accountReference=%00',
  '?accountReference=INV001',
  '?limit=1&limit=2',
  `?cursor=${'a'.repeat(3000)}`,
  '?%ZZ=1',
  '?=',
  '?&&&',
  '?limit=0x10',
  '?since=%00',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=klingon',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json-patch+json',
  '*/*',
  ';;;',
  'application/json;;charset=',
  undefined,
];

const ENCODINGS = [
  undefined,
  undefined,
  undefined,
  undefined,
  'gzip',
  'gzip-garbage',
  'deflate-garbage',
  'br-garbage',
  'br',
  'deflate',
  'compress',
  'gzip, br',
  'gzip-bomb',
];

const TEXTS: readonly unknown[] = [
  '',
  'a',
  'INV001',
  '0712345678',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '💸',
  'x'.repeat(5000),
  ' ',
  '\n',
  '<script>',
  '%ZZ',
  '${7*7}',
  "'; DROP TABLE x; --",
  'https://127.0.0.1/x',
  'http://[::1]/x',
  'https://example.com/hooks',
];
const NUMBERS: readonly unknown[] = [
  0,
  -1,
  1,
  10,
  1.5,
  1e309,
  -1e309,
  123456789012345678901234567890,
  250001,
  Number.MAX_SAFE_INTEGER + 2,
];
const OTHERS: readonly unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [1, 2],
  { a: 1 },
  ['*'],
  ['transaction.completed', '\u0000'],
];
const FIELDS = [
  'phone',
  'amount',
  'accountReference',
  'description',
  'channel',
  'metadata',
  'url',
  'eventTypes',
  'enabled',
  'overlapSeconds',
  'since',
  'endpointId',
  'name',
  'extra',
  '__proto__',
  'constructor',
];

function nested(depth: number, leaf: string, open: string, close: string): string {
  return open.repeat(depth) + leaf + close.repeat(depth);
}

/** A body as text, or as raw bytes where the bytes themselves are the point. */
function body(random: Random): { text?: string; bytes?: Buffer; label: string } {
  const kind = Math.floor(random() * 14);
  switch (kind) {
    case 0:
      return {
        text: pick(random, [
          '{',
          '{"a":',
          "{'a':1}",
          '{"a":1}}',
          'nul',
          '[1,]',
          '{"a":01}',
          '{"a":"\\x00"}',
          '{"a":"\\ud8"}',
          '\u0000',
        ]),
        label: 'invalid JSON',
      };
    case 1:
      return {
        bytes: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0x00, 0x22, 0x7d]),
        label: 'raw NUL byte in a string',
      };
    case 2:
      return {
        bytes: Buffer.concat([
          Buffer.from('{"name":"'),
          Buffer.from([0xed, 0xa0, 0x80, 0xff, 0xc0, 0xaf]),
          Buffer.from('"}'),
        ]),
        label: 'invalid UTF-8',
      };
    case 3: {
      const depth = pick(random, [64, 500, 5000, 12000]);
      return {
        text: `{"phone":"0712345678","amount":10,"accountReference":"A","metadata":${nested(depth, '1', '{"a":', '}')}}`,
        label: `metadata nested ${depth} deep`,
      };
    }
    case 4: {
      const depth = pick(random, [100, 3000, 20000]);
      return { text: nested(depth, '', '[', ']'), label: `array nested ${depth} deep` };
    }
    case 5:
      return {
        text: pick(random, ['null', '[]', '"text"', '0', 'true', '[{}]', '{}']),
        label: 'not an object',
      };
    case 6:
      return { text: `{"name":"${'x'.repeat(pick(random, [1000, 60_000, 70_000]))}"}`, label: 'long string' };
    case 7:
      return {
        text: '{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}',
        label: 'prototype keys',
      };
    default: {
      // A bag of fields our routes read, with values from every class: close to valid, so the
      // request gets past parsing and into validation and the services.
      const bag: Record<string, unknown> = {};
      const count = 1 + Math.floor(random() * 6);
      for (let i = 0; i < count; i += 1) {
        const field = pick(random, FIELDS);
        const pool = pick(random, [TEXTS, NUMBERS, OTHERS]);
        bag[field] = pick(random, pool);
      }
      if (random() < 0.5) Object.assign(bag, { phone: '0712345678', amount: 10, accountReference: 'INV001' });
      if (random() < 0.3)
        bag.metadata = { note: pick(random, TEXTS), [pick(random, ['\u0000', '\ud800', 'k'])]: 1 };
      return { text: JSON.stringify(bag), label: `fields ${Object.keys(bag).join(',')}` };
    }
  }
}

/** 4 MiB of spaces in 4 KiB: inflating it past BODY_LIMIT must be refused, not buffered. */
const GZIP_BOMB = gzipSync(Buffer.alloc(4 * 1024 * 1024, 0x20));
const FAST_BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } };

function encode(bytes: Buffer, encoding: string | undefined): { bytes: Buffer; header?: string } {
  switch (encoding) {
    case 'gzip':
      return { bytes: gzipSync(bytes), header: 'gzip' };
    case 'br':
      return { bytes: brotliCompressSync(bytes, FAST_BROTLI), header: 'br' };
    case 'deflate':
      return { bytes: deflateSync(bytes), header: 'deflate' };
    case 'gzip-garbage':
      return { bytes: Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), bytes]), header: 'gzip' };
    case 'deflate-garbage':
      return { bytes, header: 'deflate' };
    case 'br-garbage':
      return { bytes: Buffer.from('not brotli at all'), header: 'br' };
    case 'gzip-bomb':
      return { bytes: GZIP_BOMB, header: 'gzip' };
    case undefined:
      return { bytes };
    default:
      return { bytes, header: encoding };
  }
}

/** `count` requests for one route (`/api/v1/transactions/:id`), reproducible from `random`. */
export function fuzzRequests(
  route: { method: string; path: string },
  count: number,
  random: Random,
  context: FuzzContext,
): FuzzRequest[] {
  const requests: FuzzRequest[] = [];
  for (let i = 0; i < count; i += 1) {
    const labels: string[] = [];
    const method = random() < 0.12 ? pick(random, ODD_METHODS) : route.method.toUpperCase();
    if (method !== route.method.toUpperCase()) labels.push(method);

    const path = route.path.replace(/:(\w+)/g, (_match, name: string) => {
      if (random() < 0.6) return context.validParam(route.path, name);
      const segment = pick(random, BAD_SEGMENTS);
      labels.push(`:${name}=${segment.slice(0, 20)}`);
      return segment;
    });
    const query = random() < 0.4 ? pick(random, QUERIES) : '';
    if (query) labels.push(query.slice(0, 30));
    const target = path + query;

    const headers: Record<string, string> = {};
    let payload: Buffer | undefined;
    if (random() < 0.75) {
      const chosen = body(random);
      labels.push(chosen.label);
      const contentType = pick(random, CONTENT_TYPES);
      if (contentType !== undefined) headers['content-type'] = contentType;
      labels.push(`type=${contentType ?? 'none'}`);
      const raw = chosen.bytes ?? Buffer.from(chosen.text ?? '', 'utf8');
      const encoding = pick(random, ENCODINGS);
      const encoded = encode(raw, encoding);
      if (encoded.header) {
        headers['content-encoding'] = encoded.header;
        labels.push(`encoding=${encoding}`);
      }
      payload = encoded.bytes;
      // The signature covers the body the server reads: the decompressed bytes, as UTF-8 text.
      signFor(
        random,
        context,
        headers,
        labels,
        method,
        target,
        encoded.header && !encoding?.endsWith('garbage') ? raw : encoded.bytes,
      );
    } else {
      signFor(random, context, headers, labels, method, target, Buffer.alloc(0));
    }
    if (random() < 0.1)
      headers['idempotency-key'] = pick(random, ['k', 'k'.repeat(300), 'caf\u00e9', ' ', 'order-1']);
    if (random() < 0.05) headers['x-request-id'] = pick(random, ['%00', 'x'.repeat(500), 'ok-request-id-1']);
    if (payload && random() < 0.1) headers['transfer-encoding'] = 'chunked';
    else if (payload) headers['content-length'] = String(payload.length);
    requests.push({ method, path: target, headers, body: payload, label: labels.join(' | ') || 'plain' });
  }
  return requests;
}

function signFor(
  random: Random,
  context: FuzzContext,
  headers: Record<string, string>,
  labels: string[],
  method: string,
  target: string,
  signedBody: Buffer,
) {
  const roll = random();
  if (roll < 0.55) {
    const timestamp = String(Math.floor(Date.now() / 1000) - Math.floor(random() * 5));
    headers['x-api-key'] = context.publicKey;
    headers['x-timestamp'] = timestamp;
    headers['x-signature'] = sign(context.secretKey, {
      timestamp,
      method,
      path: target,
      body: signedBody.toString('utf8'),
    });
    headers.authorization = `Bearer ${context.adminToken}`;
    labels.push('signed');
  } else if (roll < 0.7) {
    headers['x-api-key'] = pick(random, [context.publicKey, 'pk_unknown', 'pk_%00', 'caf\u00e9']);
    headers['x-timestamp'] = pick(random, [
      '1e10',
      '-1',
      '99999999999999',
      String(Math.floor(Date.now() / 1000)),
      'now',
    ]);
    headers['x-signature'] = pick(random, ['00', 'ZZ', 'a'.repeat(64), 'A'.repeat(64)]);
    headers.authorization = pick(random, [
      'Bearer wrong',
      'Bearer ',
      'Basic x',
      `bearer ${context.adminToken}`,
    ]);
    labels.push('badly signed');
  } else {
    labels.push('unsigned');
  }
}
