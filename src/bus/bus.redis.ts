// The bus over Redis pub/sub: a subscribed connection and a publishing one, beside the service's
// own (a subscribed connection can send nothing else, and a burst of messages must not queue in
// front of a replay check). Subscribers of the channel are counted with PUBSUB NUMSUB. ioredis
// prefixes keys, not channels: the channel name carries REDIS_KEY_PREFIX itself.
import type { Logger } from '../logger';
import type { Redis } from '../redis';
import type { BusTransport } from './bus';

/** Redis takes far more; this keeps one message from holding the connection long. */
const PUBLISH_PAYLOAD_LIMIT = 512 * 1024;

/** Redis connections the bus opens beside the service's own: one to publish, one subscribed. */
export const REDIS_BUS_CONNECTIONS = 2;

export function redisTransport(redis: Redis, keyPrefix: string, logger: Logger): BusTransport {
  const channel = `${keyPrefix}bus`;
  const publisher = redis.duplicate();
  const subscriber = redis.duplicate();
  for (const [client, role] of [
    [publisher, 'bus-publish'],
    [subscriber, 'bus-subscribe'],
  ] as const)
    client.on('error', (error: Error) => logger.warn('redis error', { connection: role, error }));

  return {
    kind: 'redis',
    maxPayloadBytes: PUBLISH_PAYLOAD_LIMIT,
    async listen({ payload, up, down }) {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      subscriber.on('message', (from: string, text: string) => {
        if (from === channel) payload(text);
      });
      await subscriber.subscribe(channel);
      let listening = true;
      subscriber.on('close', () => {
        if (!listening) return;
        listening = false;
        down();
      });
      // ioredis subscribes again by itself after a reconnect; commands on one connection are
      // answered in order, so once PING is, so is that SUBSCRIBE.
      subscriber.on('ready', () => {
        subscriber.ping().then(
          () => {
            if (listening) return;
            listening = true;
            up();
          },
          () => undefined,
        );
      });
    },
    async send(payloads) {
      if (payloads.length === 1) await publisher.publish(channel, payloads[0]!);
      else {
        const pipeline = publisher.pipeline();
        for (const text of payloads) pipeline.publish(channel, text);
        await pipeline.exec();
      }
    },
    async listeners() {
      const [, count] = (await publisher.pubsub('NUMSUB', channel)) as [string, number];
      return Number(count);
    },
    async close() {
      await Promise.all([publisher.quit().catch(() => undefined), subscriber.quit().catch(() => undefined)]);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
