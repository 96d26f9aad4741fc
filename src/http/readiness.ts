// GET /ready: whether this instance can serve now. Every check has its own deadline (a stalled
// database must not hold the balancer's probe, and a probe that hangs is read as "ready" by
// nothing), and the first part that fails names the answer.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isDiskFull } from '../db/unavailable';

export type ReadyStatus = 'ready' | 'database_unreachable' | 'disk_full' | 'redis_unreachable';

/**
 * Below this much free space in the SQLite file's folder the instance says it is full: a WAL
 * checkpoint, a migration or a burst of callbacks needs room before the last byte is gone.
 */
export const MIN_FREE_BYTES = 1024 * 1024;

/** How the disk looks to the probe (a dependency: tests may hand in their own). */
export interface DiskProbe {
  freeBytes(dir: string): Promise<number>;
  /** Creates and removes a small new file: a full disk refuses the new block. */
  write(dir: string): Promise<void>;
}

export const realDisk: DiskProbe = {
  async freeBytes(dir) {
    const stats = await fs.statfs(dir);
    return stats.bavail * stats.bsize;
  },
  async write(dir) {
    const probe = path.join(dir, `.ready-${randomBytes(6).toString('hex')}`);
    try {
      await fs.writeFile(probe, randomBytes(512));
    } finally {
      await fs.rm(probe, { force: true });
    }
  },
};

interface Deps {
  pingDatabase: () => Promise<unknown>;
  /**
   * A write the database must take (PostgreSQL's probe, postgres.ts: its server owns its disk,
   * so only a write tells that it is full); undefined on SQLite, whose folder is checked instead.
   */
  probeDatabaseWrite?: () => Promise<unknown>;
  /** The folder SQLite writes its file and WAL in; undefined on PostgreSQL. */
  storageDir: string | undefined;
  pingRedis?: () => Promise<unknown>;
  timeoutMs: number;
  disk?: DiskProbe;
}

/** How a check ended within its deadline: it passed, it failed (with what), or it was still running. */
type Outcome = { passed: true } | { passed: false; error?: unknown };

function outcomeWithin(check: () => Promise<unknown>, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ passed: false }), ms);
  });
  const done = check().then(
    (): Outcome => ({ passed: true }),
    (error: unknown): Outcome => ({ passed: false, error }),
  );
  return Promise.race([done, late]).finally(() => clearTimeout(timer));
}

const PASSED: Outcome = { passed: true };

export function createReadiness({
  pingDatabase,
  probeDatabaseWrite,
  storageDir,
  pingRedis,
  timeoutMs,
  disk = realDisk,
}: Deps) {
  const diskHasRoom = async () => {
    if (!storageDir) return;
    if ((await disk.freeBytes(storageDir)) < MIN_FREE_BYTES) throw new Error('below the free-space floor');
    await disk.write(storageDir);
  };
  return async function ready(): Promise<ReadyStatus> {
    const [database, write, room, redis] = await Promise.all([
      outcomeWithin(pingDatabase, timeoutMs),
      probeDatabaseWrite ? outcomeWithin(probeDatabaseWrite, timeoutMs) : PASSED,
      outcomeWithin(diskHasRoom, timeoutMs),
      pingRedis ? outcomeWithin(pingRedis, timeoutMs) : PASSED,
    ]);
    if (!database.passed) return 'database_unreachable';
    // A database that answers but refuses the write for want of room is full; refusing it for
    // any other reason (a standby after a failover, a deadline) it cannot serve either.
    if (!write.passed) return isDiskFull(write.error) ? 'disk_full' : 'database_unreachable';
    if (!room.passed) return 'disk_full';
    return redis.passed ? 'ready' : 'redis_unreachable';
  };
}
