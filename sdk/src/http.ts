// Signed HTTP calls with bounded retries. What may be retried is decided per call:
// a read can always be repeated; an initiate only with its idempotency key, and only when the
// service cannot have acted on it in a way a replay would not reproduce (no answer at all, or
// 429 from the rate limiter, which runs before the handler). A 503 from initiate is not
// retried: the service stored that refusal under the key and would replay it. Any other write
// (a secret rotation, a delete, a redelivery) is retried on 429 only: after no answer it may
// have happened, and doing it twice is not the same as once (a second rotation retires the
// secret the first one returned).
import { MpesaBridgeError } from './errors.js';
import { signRequest } from './signature.js';
import { SDK_VERSION } from './version.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpConfig {
  baseUrl: string;
  publicKey: string;
  secretKey: string;
  fetch: FetchLike;
  timeoutMs: number;
  maxRetries: number;
}

export type RetryPolicy = 'read' | 'idempotent-write' | 'write';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  retry: RetryPolicy;
}

export interface HttpResponse<T> {
  status: number;
  body: T;
}

const RETRY_BASE_DELAY_MS = 500;
const RETRY_MAX_DELAY_MS = 8_000;
/** A Retry-After longer than this is the caller's decision, not a silent wait inside a call. */
const RETRY_AFTER_MAX_MS = 20_000;
const READ_RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const WRITE_RETRY_STATUSES = new Set([429]);

export function createHttp(config: HttpConfig) {
  const base = config.baseUrl.replace(/\/+$/, '');
  const uniqueSecond = uniqueSeconds();

  return async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const url = new URL(base + req.path);
    for (const [name, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, value);
    }
    const body = req.body === undefined ? '' : JSON.stringify(req.body);
    const retryStatuses = req.retry === 'read' ? READ_RETRY_STATUSES : WRITE_RETRY_STATUSES;

    let signedAgain = false;
    for (let attempt = 0; ; attempt += 1) {
      let error: MpesaBridgeError;
      try {
        // A fresh timestamp and signature per attempt: a retry after a long Retry-After must not go stale.
        const pathWithQuery = url.pathname + url.search;
        const signed = signRequest({
          ...config,
          method: req.method,
          pathWithQuery,
          body,
          timestamp: uniqueSecond(`${req.method}\n${pathWithQuery}\n${body}`),
        });
        const response = await config.fetch(url.href, {
          method: req.method,
          headers: {
            Accept: 'application/json',
            'User-Agent': `mpesa-bridge-sdk/${SDK_VERSION} node/${process.versions.node}`,
            ...(body ? { 'Content-Type': 'application/json' } : {}),
            ...signed,
            ...req.headers,
          },
          body: body || undefined,
          signal: AbortSignal.timeout(config.timeoutMs),
        });
        // 204 (a delete): nothing to parse.
        if (response.status === 204) return { status: response.status, body: undefined as T };
        const parsed = await readJson(response);
        if (response.ok && parsed.ok) return { status: response.status, body: parsed.value as T };
        error = errorFromResponse(response, parsed);
        // Another client (a second process, a second CLI command) sent these very bytes this
        // second: the service refused ours before acting on it. Signed for the next second it is
        // a request of its own: sent again, once, but only when it carries an Idempotency-Key.
        // The bytes that got in first may be a copy of this very call (a proxy's retry), and
        // without a key the service cannot tell a second create from the same one: it would
        // act twice (a webhook endpoint created twice). Without a key the refusal is the answer.
        if (error.code === 'signature_replayed' && !signedAgain && hasIdempotencyKey(req)) {
          signedAgain = true;
          continue;
        }
        if (!retryStatuses.has(response.status)) throw error;
      } catch (caught) {
        if (caught instanceof MpesaBridgeError) throw caught;
        error = networkError(caught, config.timeoutMs);
        if (req.retry === 'write') throw error;
      }
      const delay = retryDelayMs(attempt, error.retryAfter);
      if (attempt >= config.maxRetries || delay === undefined) throw error;
      await sleep(delay);
    }
  };
}

/**
 * Now in unix seconds, unless the same request was already signed this second: then the next
 * free second (the service accepts a few minutes either side). The service refuses an exact
 * replay of a signed write (signature_replayed), and two identical writes, or a retry, within
 * one second would otherwise sign byte for byte the same. Kept per client: two processes
 * sending the same write in the same second still collide; the one refused is signed again
 * for the next second (in request above) when it carries an Idempotency-Key (initiate answers
 * a repeated key from its store).
 */
function uniqueSeconds(): (content: string) => number {
  const lastUsed = new Map<string, number>();
  return (content) => {
    const now = Math.floor(Date.now() / 1000);
    const last = lastUsed.get(content);
    const seconds = last !== undefined && last >= now ? last + 1 : now;
    // Only this second's (and bumped) entries matter; older ones are dropped as the map grows.
    if (lastUsed.size >= 1000) for (const [key, used] of lastUsed) if (used < now) lastUsed.delete(key);
    lastUsed.set(content, seconds);
    return seconds;
  };
}

function hasIdempotencyKey(req: HttpRequest): boolean {
  return Object.keys(req.headers ?? {}).some((name) => name.toLowerCase() === 'idempotency-key');
}

async function readJson(
  response: Response,
): Promise<{ ok: true; value: unknown } | { ok: false; text: string }> {
  const text = await response.text();
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, text };
  }
}

function errorFromResponse(
  response: Response,
  parsed: { ok: true; value: unknown } | { ok: false; text: string },
): MpesaBridgeError {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  const headerRequestId = response.headers.get('x-request-id') ?? undefined;
  const shaped = parsed.ok ? asErrorShape(parsed.value) : undefined;
  if (!shaped) {
    return new MpesaBridgeError({
      code: 'unexpected_response',
      message: `HTTP ${response.status} without an mpesa-bridge error body`,
      status: response.status,
      requestId: headerRequestId,
      retryAfter,
    });
  }
  return new MpesaBridgeError({
    ...shaped,
    status: response.status,
    requestId: shaped.requestId ?? headerRequestId,
    retryAfter,
  });
}

function asErrorShape(
  value: unknown,
): { code: string; message: string; requestId?: string; details?: Record<string, unknown> } | undefined {
  const error = (value as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return undefined;
  return {
    code: error.code,
    message: error.message,
    requestId: typeof error.requestId === 'string' ? error.requestId : undefined,
    details:
      typeof error.details === 'object' && error.details !== null
        ? (error.details as Record<string, unknown>)
        : undefined,
  };
}

function networkError(cause: unknown, timeoutMs: number): MpesaBridgeError {
  const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
  const reason = timedOut
    ? `no answer within ${timeoutMs} ms`
    : cause instanceof Error
      ? ((cause.cause as Error | undefined)?.message ?? cause.message)
      : String(cause);
  return new MpesaBridgeError({
    code: 'network_error',
    message: `Could not reach mpesa-bridge: ${reason}`,
    cause,
  });
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Exponential backoff with jitter, or the server's Retry-After; undefined when that is too long to wait. */
function retryDelayMs(attempt: number, retryAfterSeconds: number | undefined): number | undefined {
  if (retryAfterSeconds !== undefined) {
    const ms = retryAfterSeconds * 1000;
    return ms > RETRY_AFTER_MAX_MS ? undefined : ms;
  }
  const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
