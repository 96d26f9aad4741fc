// GET /ready: whether this instance can serve now. Every check has its own deadline (a stalled
// database must not hold the balancer's probe, and a probe that hangs is read as "ready" by
// nothing), and the first part that fails names the answer.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

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
  /** The folder SQLite writes its file and WAL in; undefined on PostgreSQL (its server owns its disk). */
  storageDir: string | undefined;
  pingRedis?: () => Promise<unknown>;
  timeoutMs: number;
  disk?: DiskProbe;
}

/** Resolves true if `check` succeeds within `ms`, false if it fails or is still running then. */
function passesWithin(check: () => Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = check().then(
    () => true,
    () => false,
  );
  return Promise.race([done, late]).finally(() => clearTimeout(timer));
}

export function createReadiness({ pingDatabase, storageDir, pingRedis, timeoutMs, disk = realDisk }: Deps) {
  const diskHasRoom = async () => {
    if (!storageDir) return;
    if ((await disk.freeBytes(storageDir)) < MIN_FREE_BYTES) throw new Error('below the free-space floor');
    await disk.write(storageDir);
  };
  return async function ready(): Promise<ReadyStatus> {
    const [database, room, redis] = await Promise.all([
      passesWithin(pingDatabase, timeoutMs),
      passesWithin(diskHasRoom, timeoutMs),
      pingRedis ? passesWithin(pingRedis, timeoutMs) : true,
    ]);
    if (!database) return 'database_unreachable';
    if (!room) return 'disk_full';
    return redis ? 'ready' : 'redis_unreachable';
  };
}
