// Writes the request log off the hot path: the HTTP edge hands each finished signed request to
// `record`, which only pushes it onto an in-memory buffer (no round trip, no await). A timer
// writes the buffer every REQUEST_LOG_FLUSH in one multi-row insert per batch, after the
// answers went out. So a signed request costs the database nothing while it is served.
//
// What this gives up, on purpose (the log is for a developer's eyes, never for money):
// - a crash loses what was buffered and not yet written (at most one flush period of entries);
//   a clean stop writes what is left;
// - when the database is slow or down, the buffer stops at MAX_BUFFERED entries and newer ones
//   are dropped and counted (logged once per flush), so memory stays bounded;
// - several instances each buffer and write their own rows; ids are unique and time-ordered, so
//   the log reads as one, newest first (to the clocks' agreement between machines).
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import type { Mode } from '../core/scope';
import { newId } from '../ids';
import { insertRequestLogRows } from './request-log.repository';

/** What the edge knows of a finished signed request: never a body, a header value or a secret. */
export interface FinishedRequest {
  at: Date;
  /** Set when the signature was verified; otherwise the writer looks the public key up. */
  project?: { id: string; mode: Mode };
  publicKey: string;
  method: string;
  /** Already without query, callback token or full phone numbers (src/http/request-log.ts). */
  path: string;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  requestId: string;
}

export const MAX_BUFFERED = 5000;
const BATCH = 200;

export interface RequestLogWriterDeps {
  db: Database;
  /** The project and mode of a public key (current or retiring); undefined for an unknown key. */
  ownerOfKey(publicKey: string): Promise<{ projectId: string; mode: Mode } | undefined>;
  flushMs: number;
  logger: Logger;
}

export type RequestLogWriter = ReturnType<typeof createRequestLogWriter>;

export function createRequestLogWriter({ db, ownerOfKey, flushMs, logger }: RequestLogWriterDeps) {
  let buffer: FinishedRequest[] = [];
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;

  /**
   * A request refused before its signature was checked (stale timestamp, bad signature, a
   * disabled project) names a public key only: its owner is looked up here, once per key per
   * flush. An unknown key belongs to no project, so its requests are not kept.
   */
  async function withOwners(entries: FinishedRequest[]) {
    const owners = new Map<string, Promise<{ projectId: string; mode: Mode } | undefined>>();
    const rows = [];
    for (const entry of entries) {
      let owner = entry.project && { projectId: entry.project.id, mode: entry.project.mode };
      if (!owner) {
        if (!owners.has(entry.publicKey)) owners.set(entry.publicKey, ownerOfKey(entry.publicKey));
        owner = await owners.get(entry.publicKey);
      }
      if (!owner) continue;
      rows.push({
        id: newId('rql', entry.at),
        createdAt: entry.at,
        projectId: owner.projectId,
        mode: owner.mode,
        method: entry.method,
        path: entry.path,
        status: entry.status,
        errorCode: entry.errorCode,
        latencyMs: entry.latencyMs,
        requestId: entry.requestId,
        publicKey: entry.publicKey,
      });
    }
    return rows;
  }

  async function writeAll(): Promise<void> {
    if (dropped > 0) {
      logger.warn('request log entries dropped: the database did not keep up', { dropped });
      dropped = 0;
    }
    while (buffer.length > 0) {
      const batch = buffer.slice(0, BATCH);
      buffer = buffer.slice(batch.length);
      const rows = await withOwners(batch);
      await db.transaction((tx) => insertRequestLogRows(tx, rows), { durability: 'process' });
    }
  }

  /** Writes what is buffered now; one flush at a time. A failed batch is logged and let go. */
  function flush(): Promise<void> {
    if (flushing) return flushing;
    const running = writeAll()
      .catch((error: unknown) => {
        logger.warn('request log not written; those entries are lost', { error });
      })
      .finally(() => {
        flushing = undefined;
      });
    flushing = running;
    return running;
  }

  return {
    record(entry: FinishedRequest): void {
      if (buffer.length >= MAX_BUFFERED) dropped += 1;
      else buffer.push(entry);
    },
    flush,
    start() {
      timer = setInterval(() => void flush(), flushMs);
      timer.unref();
    },
    /** Writes what is left (a clean stop loses nothing). */
    async stop() {
      clearInterval(timer);
      await flushing;
      await flush();
    },
  };
}
