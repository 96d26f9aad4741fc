// Readings of a running service around a load: the round trips it sent to PostgreSQL (counted
// in the server, bench/round-trips.ts) and the CPU its process and its PostgreSQL server
// processes used (their utime + stime in /proc, Linux only). Divided by the operations of the
// load, they are figures that do not move with the machine's load the way rates do (round
// trips not at all).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { BenchChild } from './child';
import type { RoundTrips } from './round-trips';
import { tripsBetween } from './round-trips';

export interface Reading {
  trips: RoundTrips;
  /** CPU seconds so far, by process id: the service's own, and each PostgreSQL backend serving it. */
  node: Map<number, number>;
  database: Map<number, number>;
}

export interface PerOperation {
  trips: RoundTrips;
  /** CPU milliseconds per operation: the service's processes, the database's processes serving them. */
  cpuMs: { node: number; database: number; total: number };
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) each process has used so far; processes gone are left out. */
export function cpuSeconds(pids: readonly number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After "pid (comm) ": state is field 3, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / clockTicks());
    } catch {
      // Not on Linux, or the process has ended.
    }
  }
  return used;
}

export async function read(servers: readonly BenchChild[]): Promise<Reading> {
  const answers = await Promise.all(
    servers.map((server) => server.ask({ type: 'round-trips' }, 'round-trips')),
  );
  const trips: RoundTrips = { total: 0, byKind: {} };
  for (const answer of answers) {
    trips.total += answer.total;
    for (const [kind, count] of Object.entries(answer.byKind))
      trips.byKind[kind] = (trips.byKind[kind] ?? 0) + count;
  }
  return {
    trips,
    node: cpuSeconds(servers.map((server) => server.pid)),
    database: cpuSeconds(answers.flatMap((answer) => answer.backendPids)),
  };
}

const used = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, seconds]) => sum + seconds - (before.get(pid) ?? 0), 0);

export function perOperation(before: Reading, after: Reading, operations: number): PerOperation {
  const node = (used(before.node, after.node) * 1000) / operations;
  const database = (used(before.database, after.database) * 1000) / operations;
  return {
    trips: tripsBetween(before.trips, after.trips, operations),
    cpuMs: { node, database, total: node + database },
  };
}
