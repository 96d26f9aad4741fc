// One log line per request. Callback URLs carry a secret token, so only their fixed prefix
// is logged; query strings are dropped (they may carry phone numbers, masked anyway).
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';
import { CALLBACK_PATH } from '../callbacks/callback.routes';

export function accessLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const url = req.originalUrl.split('?')[0] ?? '';
      const path = url.startsWith(CALLBACK_PATH) ? `${CALLBACK_PATH}/…` : url;
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info('request', { method: req.method, path, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 });
    });
    next();
  };
}
