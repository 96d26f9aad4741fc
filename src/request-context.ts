// The request id travels with the async context, so every log line written while serving a
// request carries it without passing a logger around.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const storage = new AsyncLocalStorage<{ requestId: string }>();
const SAFE_REQUEST_ID = /^[\w.:-]{8,128}$/;

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Runs `fn` with a request id of its own (for work outside HTTP: sockets, timers). */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

export const requestContext: RequestHandler = (req, res, next) => {
  const incoming = req.get('x-request-id');
  const requestId = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : `req_${randomUUID()}`;
  res.setHeader('X-Request-Id', requestId);
  storage.run({ requestId }, next);
};
