// The one Redis connection, when REDIS_URL is set: what several instances must share (the
// replay guard, the failure limits). Commands fail fast instead of queueing while Redis is
// away, so a request is never held waiting for it; each user decides what that failure means.
import { Redis } from 'ioredis';
import type { Logger } from './logger';

const COMMAND_TIMEOUT_MS = 1000;
const CONNECT_TIMEOUT_MS = 5000;
const RECONNECT_MAX_DELAY_MS = 2000;
const DISCONNECT_TIMEOUT_MS = 200;

export type { Redis };

/** Connects and waits until Redis answers: a configured Redis that is unreachable stops the start. */
export async function connectRedis(url: string, keyPrefix: string, logger: Logger): Promise<Redis> {
  let connectedOnce = false;
  const redis = new Redis(url, {
    // Reconnect after a lost connection, backing off to 2 s; never before the first one, so a
    // start against an unreachable Redis fails at once instead of leaving a client retrying.
    retryStrategy: (attempt) => (connectedOnce ? Math.min(attempt * 100, RECONNECT_MAX_DELAY_MS) : null),
    // Every key of ours starts with it (ioredis adds it, scripts' KEYS included): deployments
    // sharing one Redis keep apart by choosing different prefixes.
    keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // How long a closing socket may linger after QUIT was answered (ioredis waits 2 s otherwise).
    disconnectTimeout: DISCONNECT_TIMEOUT_MS,
  });
  redis.once('ready', () => {
    connectedOnce = true;
  });
  // ioredis reconnects by itself; every error is worth a line, none is worth a crash.
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
    logger.warn('redis error', { error });
  });
  try {
    await redis.connect();
  } catch (error) {
    throw new Error(`REDIS_URL: cannot connect to Redis (${(lastError ?? (error as Error)).message})`);
  }
  return redis;
}

/** QUIT when Redis answers (commandTimeout bounds it), then stop reconnecting whatever happened. */
export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => undefined);
  redis.disconnect();
}
