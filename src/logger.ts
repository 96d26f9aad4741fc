// winston, configured once. Structured fields only; phones masked and secrets redacted by a
// format that runs on every line, so a careless call site cannot leak them.
import { types } from 'node:util';
import winston from 'winston';
import type { Config } from './config';
import { currentRequestId } from './request-context';

export type Logger = winston.Logger;

// `credential`: an initiator's SecurityCredential (its password, encrypted) opens money out.
const SECRET_FIELD = /secret|passkey|password|credential|token|authorization|signature|master|key$/i;
const KENYAN_PHONE = /(?<!\d)(?:\+?254|0)?([17]\d{2})\d{3}(\d{3})(?!\d)/g;
// The token segment of a callback URL (src/callbacks/callback.routes.ts, a C2B account's
// src/core/c2b-path.ts, the Transaction Status ResultURL and QueueTimeOutURL of
// src/status-queries, and a payout's result routes, /api/v1/callbacks/payouts/<id>/<token>/…):
// whoever has it can post a result for that transaction, payments to that account, a status
// answer or a payout's result. Written out, not imported, so the logger depends on nothing.
// Any letter case: a path in another case must not carry its token into a log line either.
const CALLBACK_TOKEN =
  /(\/api\/v1\/callbacks\/(?:stk|mpesa|c2b|payouts|status-results|status-timeouts)\/[^/\s?#"']+\/)[^/\s?#"']+/gi;
// A CheckoutRequestID ends with the customer's phone, without its 254 (docs/daraja.md §2).
const CHECKOUT_REQUEST_PHONE = /(ws_CO_\d*?)([17]\d{2})\d{3}(\d{3})(?!\d)/g;
// Every pattern below runs on text a client chose (a path, a query), so each must take time
// linear in it: a match may start only where the previous run of its characters ended (the
// lookbehind, the `?`/`&` excluded from a name), so no character is scanned from many starts,
// and no quantifier is nested. A name is matched whole and tested afterwards: a pattern that
// searched for "key" inside a name backtracked over every "key" of a 16 KB `&keykey…` path.
const URL_CREDENTIALS = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^/\s@"']+@/gi;
const QUERY_PARAM = /([?&])([^=&?\s#"']*)=([^&\s#"']*)/g;
const SECRET_PARAM_NAME = /secret|passkey|password|credential|token|signature|key|auth/i;

/**
 * 254712345678 -> 254712***678, and the same phone at the end of a CheckoutRequestID
 * (ws_CO_…712345678 -> ws_CO_…712***678). Keeps enough to correlate, not enough to call.
 */
export function maskPhone(text: string): string {
  return text
    .replace(KENYAN_PHONE, (match, head: string, tail: string) => {
      const prefix = match.slice(0, match.length - 9);
      return `${prefix}${head}***${tail}`;
    })
    .replace(CHECKOUT_REQUEST_PHONE, '$1$2***$3');
}

/**
 * What no log line may carry, wherever it appears in a string: a callback URL's token, a URL's
 * user:password, a secret-looking query parameter, a full phone number.
 */
export function redactText(text: string): string {
  return maskPhone(
    text
      .replace(CALLBACK_TOKEN, '$1[redacted]')
      .replace(URL_CREDENTIALS, '$1[redacted]@')
      .replace(QUERY_PARAM, (match, separator: string, name: string) =>
        SECRET_PARAM_NAME.test(name) ? `${separator}${name}=[redacted]` : match,
      ),
  );
}

function redact(value: unknown, key = '', depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string')
    return SECRET_FIELD.test(key) && key !== 'publicKey' ? '[redacted]' : redactText(value);
  if (typeof value === 'number') return /phone|msisdn/i.test(key) ? maskPhone(String(value)) : value;
  if (Array.isArray(value)) return value.map((item) => redact(item, key, depth + 1));
  // An error's code (SQLITE_FULL, a PostgreSQL SQLSTATE, ECONNRESET) tells an operator which
  // failure it was when messages read alike; codes carry no secret.
  // isNativeError: an error made in another context (a native driver's, under jest) too.
  if (value instanceof Error || types.isNativeError(value)) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: redactText(value.message),
      ...(typeof code === 'string' ? { code: redactText(code) } : {}),
    };
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, depth + 1)]));
  }
  return value;
}

const redactFormat = winston.format((info) => {
  const requestId = currentRequestId();
  if (requestId && info.requestId === undefined) info.requestId = requestId;
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    info[key] = redact(info[key], key);
  }
  return info;
});

// winston runs the formats before its transports filter by level; dropping disabled levels
// first keeps a debug/info line on a hot path from paying for redaction it never needed.
const LEVELS = winston.config.npm.levels;
const levelFilter = (level: string) =>
  winston.format((info) => ((LEVELS[info.level] ?? 0) <= (LEVELS[level] ?? 0) ? info : false))();

export function createLogger(config: Pick<Config, 'log'>, silent = false): Logger {
  const formats = [levelFilter(config.log.level), redactFormat(), winston.format.timestamp()];
  const output =
    config.log.format === 'json'
      ? winston.format.json()
      : winston.format.printf(({ level, message, timestamp, ...fields }) => {
          const extra = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
          return `${String(timestamp)} ${level} ${String(message)}${extra}`;
        });
  return winston.createLogger({
    level: config.log.level,
    silent,
    format: winston.format.combine(...formats, output),
    transports: [new winston.transports.Console()],
  });
}
