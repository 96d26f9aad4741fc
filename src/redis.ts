// The one Redis connection, when REDIS_URL is set: what several instances must share (the
// replay guard, the failure limits). Commands fail fast instead of queueing while Redis is
// away, so a request is never held waiting for it; each user decides what that failure means.
import { Redis } from 'ioredis';
import type { Logger } from './logger';

const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 5000;

export type { Redis };

/** Connects and waits until Redis answers: a configured Redis that is unreachable stops the start. */
export async function connectRedis(url: string, keyPrefix: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    // Every key of ours starts with it (ioredis adds it, scripts' KEYS included): deployments
    // sharing one Redis keep apart by choosing different prefixes.
    keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  // ioredis reconnects by itself; every error is worth a line, none is worth a crash.
  redis.on('error', (error: Error) => logger.warn('redis error', { error }));
  await redis.connect();
  return redis;
}
