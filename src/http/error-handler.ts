// The Express end of the error codes: no route, framework errors translated, one JSON shape.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, databaseUnavailable, errorBody } from '../errors';
import { isDatabaseUnavailable, isDiskFull } from '../db/unavailable';
import type { Logger } from '../logger';
import { pathForLog } from './access-log';

export const notFoundHandler: RequestHandler = (req) => {
  throw new AppError('route_not_found', `No route for ${req.method} ${req.path}`);
};

interface FrameworkError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  code?: unknown;
  charset?: unknown;
  encoding?: unknown;
}

/**
 * Errors of the layers under our routes (body-parser, raw-body, zlib, the router's parameter
 * decoding) are the client's fault: each becomes one of our codes, and nothing of theirs leaks.
 */
function fromFramework(error: unknown): AppError | undefined {
  if (error instanceof URIError) {
    // The router decodes path parameters; a bad %-sequence fails there (router 2.x decodeParam).
    const message = 'is not valid percent-encoded UTF-8';
    return new AppError('validation_failed', `A path parameter ${message}`, {
      fields: [{ field: '(path)', in: 'path', message }],
    });
  }
  if (!error || typeof error !== 'object') return undefined;
  const { type, status, statusCode, code, charset, encoding } = error as FrameworkError;
  switch (type) {
    case 'entity.parse.failed':
      return new AppError('invalid_json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('payload_too_large', 'The request body is too large');
    case 'charset.unsupported':
      return new AppError(
        'unsupported_media_type',
        `The body's charset ${String(charset).slice(0, 40)} is not supported; send UTF-8 JSON`,
        { expected: 'application/json' },
      );
    case 'encoding.unsupported':
      return new AppError(
        'unsupported_media_type',
        `Content-Encoding ${String(encoding).slice(0, 40)} is not supported; send identity, gzip, deflate or br`,
      );
    case 'request.aborted':
    case 'request.size.invalid':
      return new AppError('body_unreadable', 'The request body ended before its Content-Length');
  }
  // zlib (Z_DATA_ERROR, ...) and brotli (ERR__ERROR_FORMAT_...) failing on the body's bytes.
  if (typeof code === 'string' && /^(Z_|ERR__)/.test(code)) {
    return new AppError(
      'body_unreadable',
      'The request body could not be decompressed as its Content-Encoding says',
    );
  }
  // Last resort: whatever else marks itself a client fault (http-errors' 4xx) is answered as
  // one, in our shape, rather than as our 500.
  const httpStatus = typeof status === 'number' ? status : statusCode;
  if (typeof httpStatus === 'number' && httpStatus >= 400 && httpStatus < 500) {
    if (httpStatus === 413) return new AppError('payload_too_large', 'The request is too large');
    if (httpStatus === 415)
      return new AppError('unsupported_media_type', 'Send the body as Content-Type: application/json');
    return new AppError('bad_request', 'The request is malformed');
  }
  return undefined;
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known =
      err instanceof AppError
        ? err
        : isDatabaseUnavailable(err)
          ? databaseUnavailable(isDiskFull(err) ? 'disk_full' : 'database_unreachable')
          : fromFramework(err);
    const error = known ?? new AppError('internal_error', 'Something went wrong on our side');
    // The path as the access log writes it: callback URLs carry a secret token.
    if (!known) logger.error('unhandled error', { error: err, method: req.method, path: pathForLog(req) });
    else if (error.status >= 500)
      logger.warn('request failed', {
        code: error.code,
        path: pathForLog(req),
        ...(err instanceof AppError
          ? {}
          : {
              cause: err instanceof Error ? err.message : String(err),
              ...(typeof (err as { code?: unknown }).code === 'string'
                ? { causeCode: (err as { code: string }).code }
                : {}),
            }),
      });
    // Part of the answer is out (a CSV export streaming): cut it, so the client sees a broken
    // download instead of waiting for an end that will never come.
    if (res.headersSent) {
      if (!res.writableEnded) res.destroy();
      return;
    }
    // The request log keeps the code (src/http/request-log.ts); the body is not read back.
    res.locals.errorCode = error.code;
    res
      .status(error.status)
      .set(error.headers ?? {})
      .json(errorBody(error));
  };
}
