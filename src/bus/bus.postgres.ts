// The bus over PostgreSQL: LISTEN on one connection held for good, NOTIFY from another, both
// outside DATABASE_POOL_SIZE. Every listening connection carries the same application_name, so
// the instances listening are counted from pg_stat_activity (whose application_name every role
// may read); the channel belongs to the database, so its name carries the schema.
import { createHash } from 'node:crypto';
import type { PostgresAccess } from '../db/database';
import type { Logger } from '../logger';
import type { BusTransport } from './bus';

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const NOTIFY_PAYLOAD_LIMIT = 7_999;
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_JITTER_MS = 1_000;
/** Identifiers (channel names) longer than this are cut by PostgreSQL. */
const IDENTIFIER_BYTES = 63;

/** Connections the bus opens beside DATABASE_POOL_SIZE: one to LISTEN, one to NOTIFY. */
export const POSTGRES_BUS_CONNECTIONS = 2;

function namesFor(schema: string) {
  const channel = `mpesa-bridge:${schema}`;
  const hash = createHash('sha256').update(schema).digest('hex').slice(0, 16);
  return {
    channel: Buffer.byteLength(channel) <= IDENTIFIER_BYTES ? channel : `mpesa-bridge:${hash}`,
    // application_name is cut at 63 bytes too: the hash keeps it short and per schema.
    listenerName: `mpesa-bridge-bus:${hash}`,
  };
}

export function postgresTransport(postgres: PostgresAccess, logger: Logger): BusTransport {
  const { channel, listenerName } = namesFor(postgres.schema);
  // LISTEN holds its connection for good: direct to PostgreSQL, past a pooler (DATABASE_DIRECT_URL).
  const listenPool = postgres.openPool(1, listenerName, true);
  const sendPool = postgres.openPool(1, 'mpesa-bridge-bus-send');
  /** Lets go of the current LISTEN connection (once). */
  let dropListener: (() => void) | undefined;
  let reconnect: NodeJS.Timeout | undefined;
  let closed = false;

  async function listenOnce(onPayload: (text: string) => void, onLost: () => void): Promise<void> {
    const connection = await listenPool.connect();
    // Asked for before a close and given after it: ended at once, or the pool's end would wait
    // for it for good (and the process never exit).
    if (closed) {
      connection.release(true);
      throw new Error('the bus is closed');
    }
    let listening = false;
    let lost = false;
    const lose = () => {
      if (lost) return;
      lost = true;
      connection.release(true);
      if (dropListener === lose) dropListener = undefined;
      // Before LISTEN answered, the caller hears of it from the rejection instead.
      if (listening && !closed) onLost();
    };
    connection.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    connection.once('end', lose);
    connection.on('error', lose);
    try {
      await connection.query(`LISTEN "${channel}"`);
    } catch (error) {
      lose();
      throw error;
    }
    listening = true;
    dropListener = lose;
    if (closed) lose();
  }

  return {
    kind: 'postgres',
    maxPayloadBytes: NOTIFY_PAYLOAD_LIMIT,
    async listen({ payload, up, down }) {
      const retry = () => {
        if (closed) return;
        reconnect = setTimeout(
          () => {
            listenOnce(payload, lost).then(up, retry);
          },
          RECONNECT_MIN_MS + Math.random() * RECONNECT_JITTER_MS,
        );
        reconnect.unref();
      };
      const lost = () => {
        logger.warn('bus: the LISTEN connection to PostgreSQL was lost; listening again');
        down();
        retry();
      };
      await listenOnce(payload, lost);
    },
    async send(payloads) {
      await sendPool.query({
        name: 'mpesa-bridge-bus-notify',
        text: 'SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i',
        values: [channel, payloads],
      });
    },
    async listeners() {
      const { rows } = await sendPool.query<{ n: number }>({
        name: 'mpesa-bridge-bus-listeners',
        text: 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1',
        values: [listenerName],
      });
      return rows[0]?.n ?? 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(reconnect);
      dropListener?.();
      await Promise.all([listenPool.end(), sendPool.end()]);
    },
  };
}
