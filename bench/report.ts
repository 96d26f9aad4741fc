// The table on the terminal (one column per engine) and the same figures as JSON for
// bench/results/latest.json.
import fs from 'node:fs';
import path from 'node:path';
import type { EngineResult } from './engine';
import type { InstancesResult } from './instances';
import type { PerOperation } from './probe';
import type { RoundTrips } from './round-trips';
import { round } from './stats';

/** The issues' targets. */
export const TARGETS = {
  ingestionRatio: 0.5,
  overheadP50Ms: 3,
  oauthCalls: 1,
  peakRssMb: 200,
  webhookLatencyP50Ms: 50,
  webhookDeliveriesPerSecond: 1000,
  lookupP99Ms: 5,
  /** ours / the naive Express + Prisma handler, callbacks per second. */
  naiveRatio: { sqlite: 5, postgres: 3 },
  /** Round trips to PostgreSQL per operation. */
  tripsPerCallback: 1.5,
  tripsPerInitiate: 5,
  tripsPerStatusRead: 2,
  /** Two instances' CPU per callback over one instance's. */
  twoInstancesCpuRatio: 1.15,
} as const;

interface Row {
  name: string;
  target: string;
  /** The value shown, and whether it meets the target (undefined: informational). */
  cell(result: EngineResult): { text: string; pass?: boolean };
}

const ms = (value: number) => `${round(value)} ms`;
const pair = (p: { p50Ms: number; p99Ms: number }) => `${round(p.p50Ms)} / ${round(p.p99Ms)} ms`;
const cpu = (p: PerOperation) => `${round(p.cpuMs.node)} + ${round(p.cpuMs.database)} ms`;

/** Why the C2B figure may not stand for the whole load: stopped at its time limit, or confirmations not stored. */
function c2bShortfall(r: EngineResult): string {
  const { ours, posted, sampledFound, sampled } = r.c2b;
  if (ours.requests < posted) return ` (load stopped at its time limit: ${ours.requests}/${posted} sent)`;
  if (ours.ok < posted || sampledFound < sampled)
    return ` (NOT all stored: ${ours.ok}/${posted} acknowledged, ${sampledFound}/${sampled} sampled found)`;
  return '';
}

const ROWS: Row[] = [
  {
    name: 'payments stored (seeded + this run)',
    target: '',
    cell: (r) => ({ text: `${(r.seed.rows / 1e6).toFixed(2)} M seeded` }),
  },
  {
    name: 'callbacks/s, ours / express echo',
    target: '',
    cell: (r) => ({
      text: `${round(r.ingestion.ours.perSecond, 0)} / ${round(r.ingestion.echo.perSecond, 0)}`,
    }),
  },
  {
    name: 'callback ingestion, ours / echo',
    target: `>= ${TARGETS.ingestionRatio}`,
    cell: (r) => ({
      text: String(round(r.ingestion.ratio)),
      pass: r.ingestion.ratio >= TARGETS.ingestionRatio,
    }),
  },
  {
    name: 'callback ingestion, ours / naive Express + Prisma',
    target: `>= ${TARGETS.naiveRatio.postgres} (PG), ${TARGETS.naiveRatio.sqlite} (SQLite)`,
    cell: (r) =>
      r.ingestion.ratioToNaive === undefined
        ? { text: 'n/a' }
        : {
            text: `${round(r.ingestion.ratioToNaive)} (naive ${round(r.ingestion.naive!.perSecond, 0)}/s)`,
            pass: r.ingestion.ratioToNaive >= TARGETS.naiveRatio[r.engine],
          },
  },
  {
    name: 'round trips to PostgreSQL per callback, 25 connections',
    target: `<= ${TARGETS.tripsPerCallback}`,
    cell: (r) =>
      r.engine === 'sqlite' || !r.ingestion.perCallback
        ? { text: 'n/a (in process)' }
        : {
            text: String(round(r.ingestion.perCallback.trips.total)),
            pass: r.ingestion.perCallback.trips.total <= TARGETS.tripsPerCallback,
          },
  },
  {
    name: 'round trips per signed initiate / status read (one at a time)',
    target: `<= ${TARGETS.tripsPerInitiate} / ${TARGETS.tripsPerStatusRead}`,
    cell: (r) =>
      r.engine === 'sqlite'
        ? { text: 'n/a (in process)' }
        : {
            text: `${round(r.signed.initiate.trips.total)} / ${round(r.signed.statusRead.trips.total)}`,
            pass:
              r.signed.initiate.trips.total <= TARGETS.tripsPerInitiate &&
              r.signed.statusRead.trips.total <= TARGETS.tripsPerStatusRead,
          },
  },
  {
    name: 'CPU per callback, service + database processes',
    target: '',
    cell: (r) =>
      r.ingestion.perCallback
        ? {
            text: `${round(r.ingestion.perCallback.cpuMs.node)} + ${round(r.ingestion.perCallback.cpuMs.database)} ms`,
          }
        : { text: 'n/a' },
  },
  {
    name: 'CPU per signed initiate / status read (one at a time), service + database',
    target: '',
    cell: (r) => ({
      text: `${cpu(r.signed.initiate)} / ${cpu(r.signed.statusRead)}`,
    }),
  },
  {
    name: 'CPU per webhook delivery (backlog draining), service + database',
    target: '',
    cell: (r) => ({ text: cpu(r.webhooks.perDelivery) }),
  },
  {
    name: 'callback p99, ours / echo',
    target: '',
    cell: (r) => ({ text: `${round(r.ingestion.ours.p99Ms)} / ${round(r.ingestion.echo.p99Ms)} ms` }),
  },
  {
    name: 'callback ingestion while pruning, ours / echo',
    target: `>= ${TARGETS.ingestionRatio}`,
    cell: (r) => ({
      text: `${round(r.ingestionWhilePruning.ratio)}${r.ingestionWhilePruning.prunedDuringLoad ? '' : ' (pruning ended first)'}`,
      pass: r.ingestionWhilePruning.ratio >= TARGETS.ingestionRatio,
    }),
  },
  {
    name: 'rows pruned in that run (callbacks + deliveries)',
    target: '',
    cell: (r) => ({
      text: r.ingestionWhilePruning.pruned
        ? `${r.ingestionWhilePruning.pruned.callbacks + r.ingestionWhilePruning.pruned.deliveries} in ${round(r.ingestionWhilePruning.pruned.seconds, 1)} s`
        : 'n/a',
    }),
  },
  {
    name: 'every callback applied when acknowledged',
    target: 'yes',
    cell: (r) => ({
      text: r.settled.complete ? 'yes' : `NO (${r.settled.appliedRecords}/${r.settled.posted})`,
      pass: r.settled.complete,
    }),
  },
  {
    name: 'C2B confirmations/s, ours / express echo',
    target: '',
    cell: (r) => ({ text: `${round(r.c2b.ours.perSecond, 0)} / ${round(r.c2b.echo.perSecond, 0)}` }),
  },
  {
    name: 'C2B confirmation p50 / p99, ours / echo',
    target: '',
    cell: (r) => ({ text: `${pair(r.c2b.ours)}; ${pair(r.c2b.echo)}` }),
  },
  {
    name: 'C2B confirmation ingestion, ours / echo',
    target: '',
    cell: (r) => ({
      text: `${round(r.c2b.ratio)}${c2bShortfall(r)}`,
    }),
  },
  {
    name: 'initiate / simulator STK Push, p50 / p99',
    target: '',
    cell: (r) => ({ text: `${pair(r.overhead.initiate)}; ${pair(r.overhead.stkPush)}` }),
  },
  {
    name: 'initiate overhead p50',
    target: `<= ${TARGETS.overheadP50Ms} ms`,
    cell: (r) => ({
      text: ms(r.overhead.overhead.p50Ms),
      pass: r.overhead.overhead.p50Ms <= TARGETS.overheadP50Ms,
    }),
  },
  {
    name: `${500} concurrent initiates: 201s, OAuth calls`,
    target: `all, ${TARGETS.oauthCalls}`,
    cell: (r) => ({
      text: `${r.burst.answered201}/${r.burst.initiates}, ${r.burst.oauthCalls}`,
      pass: r.burst.answered201 === r.burst.initiates && r.burst.oauthCalls === TARGETS.oauthCalls,
    }),
  },
  {
    name: 'webhook first attempt after callback ack, p50 / p99',
    target: `p50 <= ${TARGETS.webhookLatencyP50Ms} ms`,
    cell: (r) => ({
      text: pair(r.webhooks.latency),
      pass: r.webhooks.latency.p50Ms <= TARGETS.webhookLatencyP50Ms,
    }),
  },
  {
    name: 'webhook deliveries/s, receiver always 200',
    target: `>= ${TARGETS.webhookDeliveriesPerSecond}/s`,
    cell: (r) => ({
      text: `${round(r.webhooks.throughput.perSecond, 0)}/s`,
      pass: r.webhooks.throughput.perSecond >= TARGETS.webhookDeliveriesPerSecond,
    }),
  },
  {
    name: 'status lookup p50 / p99 (GET /transactions/:id)',
    target: `p99 <= ${TARGETS.lookupP99Ms} ms`,
    cell: (r) => ({ text: pair(r.lookups.lookup), pass: r.lookups.lookup.p99Ms <= TARGETS.lookupP99Ms }),
  },
  {
    name: 'slowest list shape p99 (filters, windows, cursors)',
    target: `<= ${TARGETS.lookupP99Ms} ms`,
    cell: (r) => {
      const [shape] = Object.entries(r.lookups.lists).sort(([, a], [, b]) => b.p99Ms - a.p99Ms)[0]!;
      return {
        text: `${ms(r.lookups.worstListP99Ms)} (${shape})`,
        pass: r.lookups.worstListP99Ms <= TARGETS.lookupP99Ms,
      };
    },
  },
  {
    name: 'peak RSS, server process (VmHWM, compiled)',
    target: `<= ${TARGETS.peakRssMb} MB`,
    cell: (r) =>
      r.peakRssMb === undefined
        ? { text: 'n/a' }
        : { text: `${round(r.peakRssMb, 1)} MB`, pass: r.peakRssMb <= TARGETS.peakRssMb },
  },
];

export function printTable(results: readonly EngineResult[]): void {
  const header = ['figure', 'target', ...results.map((r) => r.engine)];
  const rows = ROWS.map((row) => [
    row.name,
    row.target,
    ...results.map((result) => {
      const { text, pass } = row.cell(result);
      return pass === undefined ? text : `${text} ${pass ? 'pass' : 'MISS'}`;
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  for (const result of results) {
    if (result.engine !== 'postgres') continue;
    const kinds = (trips: RoundTrips) =>
      Object.entries(trips.byKind)
        .sort(([, a], [, b]) => b - a)
        .map(([kind, count]) => `${kind} ${round(count, 3)}`)
        .join(', ');
    process.stdout.write('\nRound trips to PostgreSQL by statement, per operation:\n');
    if (result.ingestion.perCallback)
      process.stdout.write(`  callback (25 connections): ${kinds(result.ingestion.perCallback.trips)}\n`);
    process.stdout.write(`  signed initiate: ${kinds(result.signed.initiate.trips)}\n`);
    process.stdout.write(`  signed status read: ${kinds(result.signed.statusRead.trips)}\n`);
  }
}

/** The two-instance run on PostgreSQL (bench/instances.ts). */
export function printInstances(result: InstancesResult): void {
  const pair = (p: { p50Ms: number; p99Ms: number }) => `${round(p.p50Ms)} / ${round(p.p99Ms)} ms`;
  const rows = [
    [
      'callbacks/s, one instance',
      `${round(result.oneInstance.perSecond, 0)} (p99 ${round(result.oneInstance.p99Ms)} ms)`,
    ],
    [
      'callbacks/s, two instances together',
      `${round(result.twoInstances.perSecond, 0)} (${result.twoInstances.perInstance.join(' + ')}; p99 ${round(result.twoInstances.p99Ms)} ms)`,
    ],
    ['two instances / one (callbacks/s; one machine: not capacity)', String(round(result.scaling))],
    [
      'CPU per callback, service + database, one instance',
      `${round(result.oneInstance.perCallback.cpuMs.node)} + ${round(result.oneInstance.perCallback.cpuMs.database)} ms`,
    ],
    [
      'CPU per callback, service + database, two instances',
      `${round(result.twoInstances.perCallback.cpuMs.node)} + ${round(result.twoInstances.perCallback.cpuMs.database)} ms`,
    ],
    ...(result.bus === 'redis'
      ? [
          [
            'CPU per callback, Redis server, one / two instances',
            `${round(result.oneInstance.redisCpuMs ?? 0, 3)} / ${round(result.twoInstances.redisCpuMs ?? 0, 3)} ms`,
          ],
        ]
      : []),
    [
      `CPU per callback, two instances / one (target <= ${TARGETS.twoInstancesCpuRatio})`,
      `${round(result.cpuRatio)} ${result.cpuRatio <= TARGETS.twoInstancesCpuRatio ? 'pass' : 'MISS'}`,
    ],
    [
      'round trips per callback, one / two instances',
      `${round(result.oneInstance.perCallback.trips.total)} / ${round(result.twoInstances.perCallback.trips.total)} (NOTIFY: ${round(result.oneInstance.perCallback.trips.byKind['SELECT pg_notify'] ?? 0, 3)} / ${round(result.twoInstances.perCallback.trips.byKind['SELECT pg_notify'] ?? 0, 3)})`,
    ],
    ['callback to browser, same instance, p50 / p99', pair(result.commitToBrowser.sameInstance)],
    [
      'callback to browser, other instance, p50 / p99 (target p99 <= 50 ms)',
      pair(result.commitToBrowser.otherInstance),
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name!.length));
  process.stdout.write(
    `\nSeveral instances on PostgreSQL (fresh schema; shared through ${result.bus === 'redis' ? 'Redis' : 'NOTIFY'}):\n`,
  );
  for (const [name, value] of rows) process.stdout.write(`  ${name!.padEnd(width)}  ${value}\n`);
}

export function writeResults(file: string, results: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}
