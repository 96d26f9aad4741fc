// The bus between instances (src/bus): what it sends alone (nothing), how one turn's messages
// travel (one NOTIFY or PUBLISH, cut under PostgreSQL's 8000-byte payload limit), and how a
// newcomer is known by every instance before its start resolves. Real PostgreSQL LISTEN/NOTIFY
// and real Redis pub/sub; the PostgreSQL ones only when TEST_DATABASE_URL is PostgreSQL.
import { randomBytes } from 'node:crypto';
import { countRoundTrips, roundTrips, tripsBetween } from '../../bench/round-trips';
import { createBus, type Bus, type BusTransport } from '../../src/bus/bus';
import { postgresTransport } from '../../src/bus/bus.postgres';
import { redisTransport } from '../../src/bus/bus.redis';
import { createDecoder, encode, type Entry } from '../../src/bus/bus.wire';
import { openDatabase, type Database } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { connectRedis, closeRedis, type Redis } from '../../src/redis';
import { freshDataDir, freshDatabaseUrl, usingPostgres } from '../helpers/database';
import { REDIS_URL } from '../helpers/instances';

const logger = createLogger({ log: { level: 'error', format: 'json' } }, true);
const NOTIFY_LIMIT = 7_999;

describe('bus payloads', () => {
  it('when one turn queues more than a NOTIFY carries, then it goes in payloads under 8000 bytes and arrives whole and in order', () => {
    const entries: Entry[] = [
      ...Array.from({ length: 60 }, (_, i): Entry => ['socket.io', { i, text: 'é€😀'.repeat(40) }]),
      // One message larger than any payload: cut between characters, joined again.
      ['socket.io', { big: 'ñ😀x'.repeat(5_000) }],
      ['cache.forget', { projectId: 'prj_1' }, 'confirm1'],
    ];
    const payloads = encode('sender1', entries, NOTIFY_LIMIT);
    expect(payloads.length).toBeGreaterThan(2);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    const decoder = createDecoder();
    const received = payloads.flatMap((payload) => decoder.decode(payload)?.entries ?? []);
    expect(received).toEqual(entries);
  });

  it('when the fragments of one message arrive out of order, then it is read once the last is in', () => {
    const entries: Entry[] = [['t', { big: 'a'.repeat(20_000) }]];
    const payloads = encode('s', entries, NOTIFY_LIMIT).reverse();
    const decoder = createDecoder();
    const results = payloads.map((payload) => decoder.decode(payload));
    expect(results.slice(0, -1).every((result) => result === undefined)).toBe(true);
    expect(results.at(-1)).toEqual({ from: 's', entries });
  });

  it('when a payload is not ours, then it is ignored', () => {
    expect(createDecoder().decode('hello')).toBeUndefined();
  });
});

function redisAnswers(): boolean {
  // The same probe the multi-instance tests use (tests/helpers/instances.ts).
  try {
    require('node:child_process').execFileSync(
      process.execPath,
      [
        '-e',
        "require('net').connect(6379,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))",
      ],
      { timeout: 3000 },
    );
    return true;
  } catch {
    return false;
  }
}

interface Deployment {
  /** A transport for one more instance. */
  transport(): BusTransport;
  close(): Promise<void>;
}

const deployments: Array<[string, boolean, () => Promise<Deployment>]> = [
  [
    'PostgreSQL LISTEN/NOTIFY',
    usingPostgres(),
    async () => {
      const databases: Database[] = [];
      const url = freshDatabaseUrl(freshDataDir());
      return {
        transport() {
          const opening = openDatabase(url);
          let transport: BusTransport | undefined;
          // The transport needs the database handle; open it lazily so `transport()` stays sync.
          const ready = opening.then((db) => {
            databases.push(db);
            transport = postgresTransport(db.postgres!, logger);
            return transport;
          });
          return {
            kind: 'postgres',
            maxPayloadBytes: NOTIFY_LIMIT,
            listen: async (handlers) => (await ready).listen(handlers),
            send: async (payloads) => (await ready).send(payloads),
            listeners: async () => (await ready).listeners(),
            close: async () => (await ready).close(),
          };
        },
        close: async () => {
          await Promise.all(databases.map((db) => db.close()));
        },
      };
    },
  ],
  [
    'Redis pub/sub',
    redisAnswers(),
    async () => {
      const prefix = `test:${randomBytes(4).toString('hex')}:`;
      const clients: Redis[] = [];
      return {
        transport() {
          let redis: Redis | undefined;
          const ready = connectRedis(REDIS_URL, prefix, logger).then((client) => {
            clients.push((redis = client));
            return redisTransport(client, prefix, logger);
          });
          return {
            kind: 'redis',
            maxPayloadBytes: 512 * 1024,
            listen: async (handlers) => (await ready).listen(handlers),
            send: async (payloads) => (await ready).send(payloads),
            listeners: async () => (await ready).listeners(),
            close: async () => {
              await (await ready).close();
              if (redis) await closeRedis(redis);
            },
          };
        },
        close: async () => {
          await Promise.all(clients.map((client) => closeRedis(client)));
        },
      };
    },
  ],
];

for (const [name, available, open] of deployments) {
  const describeIf = available ? describe : describe.skip;
  describeIf(`the bus over ${name}`, () => {
    let deployment: Deployment;
    const buses: Bus[] = [];
    const start = async (options: { heartbeatMs?: number } = {}, transport?: BusTransport) => {
      const bus = await createBus(transport ?? deployment.transport(), { logger, ...options });
      buses.push(bus);
      return bus;
    };
    beforeAll(async () => {
      countRoundTrips();
      deployment = await open();
    });
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((bus) => bus.close()));
    });
    afterAll(() => deployment?.close());

    const heard = (bus: Bus, topic: string) => {
      const bodies: unknown[] = [];
      bus.subscribe(topic, (body) => void bodies.push(body));
      return bodies;
    };
    const until = async (check: () => boolean, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    it('when an instance is alone, then what it publishes is not sent at all', async () => {
      const alone = await start();
      const before = roundTrips();
      for (let i = 0; i < 20; i += 1) alone.publish('socket.io', { i });
      await alone.publishConfirmed('cache.forget', { projectId: 'prj_alone' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(alone.peerCount()).toBe(0);
      expect(tripsBetween(before, roundTrips()).byKind['SELECT pg_notify'] ?? 0).toBe(0);
    });

    it('when a second instance starts, then the first knows it before the start resolves, and hears it', async () => {
      const first = await start();
      const fromFirst = heard(first, 'news');
      const second = await start();
      // No wait: the second's start resolved only once the first had answered its hello.
      expect(first.peerCount()).toBe(1);
      expect(second.peerCount()).toBe(1);
      const fromSecond = heard(second, 'news');
      first.publish('news', { from: 'first' });
      second.publish('news', { from: 'second' });
      await until(() => fromFirst.length === 1 && fromSecond.length === 1);
      expect(fromSecond).toEqual([{ from: 'first' }]);
      expect(fromFirst).toEqual([{ from: 'second' }]);
    });

    it('when one turn publishes many messages, then they travel as one payload, in order', async () => {
      const first = await start();
      const second = await start();
      const got = heard(second, 'news');
      const before = roundTrips();
      for (let i = 0; i < 50; i += 1) first.publish('news', { i });
      await until(() => got.length === 50);
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => ({ i })));
      if (name.startsWith('PostgreSQL'))
        expect(tripsBetween(before, roundTrips()).byKind['SELECT pg_notify']).toBe(1);
    });

    it('when a message is confirmed, then it resolves once the other instance has handled it', async () => {
      const first = await start();
      const second = await start();
      let handled = false;
      second.subscribe('cache.forget', async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        handled = true;
      });
      await first.publishConfirmed('cache.forget', { projectId: 'prj_1' });
      expect(handled).toBe(true);
    });

    it('when an instance says goodbye, then the other is alone again and sends nothing', async () => {
      const first = await start();
      const second = await start();
      expect(first.peerCount()).toBe(1);
      await second.close();
      await until(() => first.peerCount() === 0);
    });

    it('when an instance stops listening without a goodbye, then it is forgotten after three silent heartbeats', async () => {
      const first = await start({ heartbeatMs: 100 });
      const transport = deployment.transport();
      await start({ heartbeatMs: 100 }, transport);
      expect(first.peerCount()).toBe(1);
      // Its connections end as a killed process's do: no goodbye.
      await transport.close();
      await until(() => first.peerCount() === 0, 5000);
    });

    it('when an instance is only silent (still listening), then it is kept', async () => {
      const first = await start({ heartbeatMs: 100 });
      const transport = deployment.transport();
      let sent = 0;
      // The second one listens but never sends again (a stalled process).
      await createBus(
        { ...transport, send: async (payloads) => (sent++ === 0 ? transport.send(payloads) : undefined) },
        { logger, heartbeatMs: 1_000_000 },
      );
      await until(() => first.peerCount() === 1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(first.peerCount()).toBe(1);
      await transport.close();
    });
  });
}
