// One process per SQLite file. SQLite lets a second process open the file and then both
// fight over its write lock (and both run workers, migrations and the simulator on it), so a
// second `npm start` on the same data/ is refused, naming the process that owns it. The owner
// is written beside the file (<file>.owner: pid, host, start time) with an exclusive create;
// an owner that no longer runs (a SIGKILL, a crash) is stale and replaced. Only processes on
// this host can be checked: an owner file written on another host (a container recreated
// with a new hostname on the same volume) counts as stale. In one process, several services
// on one file are the caller's business (tests do it): the same pid is not another owner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

interface OwnerRecord {
  pid: number;
  host: string;
  startedAt: string;
}

export interface FileOwnership {
  release(): void;
}

export class DatabaseOwnedError extends Error {
  constructor(
    readonly file: string,
    readonly owner: OwnerRecord,
  ) {
    super(
      `${file} is in use by another mpesa-bridge process (pid ${owner.pid}, started ${owner.startedAt}): ` +
        `stop it first (kill ${owner.pid}), or give this one its own DATA_DIR or DATABASE_URL`,
    );
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A pid reused by another program after the owner died: on Linux, look at what it runs.
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('node');
  } catch {
    return true;
  }
}

function readOwner(ownerFile: string): OwnerRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(ownerFile, 'utf8')) as OwnerRecord;
  } catch {
    return undefined;
  }
}

/** Claims `file` for this process, or throws DatabaseOwnedError naming the running owner. */
export function claimSqliteFile(file: string): FileOwnership {
  const ownerFile = `${path.resolve(file)}.owner`;
  fs.mkdirSync(path.dirname(ownerFile), { recursive: true });
  const mine: OwnerRecord = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      fs.writeFileSync(ownerFile, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = readOwner(ownerFile);
      if (owner && owner.pid === process.pid) return { release: () => undefined };
      if (owner && owner.host === os.hostname() && isRunning(owner.pid))
        throw new DatabaseOwnedError(file, owner);
      // Stale: its owner is gone. Removed, then created again exclusively (two starting at
      // once: one wins the create, the other finds it running).
      fs.rmSync(ownerFile, { force: true });
    }
  }
  return {
    release() {
      if (readOwner(ownerFile)?.pid === process.pid) fs.rmSync(ownerFile, { force: true });
    },
  };
}
