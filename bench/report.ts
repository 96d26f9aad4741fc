// The table on the terminal and the same figures as JSON for bench/results/latest.json.
import fs from 'node:fs';
import path from 'node:path';
import type { IngestionResult } from './callbacks';
import type { OverheadResult } from './initiate';
import { round } from './stats';
import type { WebhookBenchResult } from './webhooks';

/** The targets. */
export const TARGETS = { ingestionRatio: 0.5, overheadP50Ms: 3, oauthCalls: 1, peakRssMb: 200, webhookLatencyP50Ms: 50, webhookDeliveriesPerSecond: 1000 } as const;

export interface Figure {
  name: string;
  /** A number, or a text such as "10.1 / 23.1" for informational pairs. */
  value: number | string | undefined;
  unit: string;
  target: string;
  /** undefined: informational, no target. */
  pass?: boolean;
}

const format = (value: number | string | undefined) => (value === undefined || Number.isNaN(value) ? 'n/a' : String(value));

export function printTable(figures: readonly Figure[]): void {
  const rows = figures.map((f) => [f.name, `${format(f.value)} ${f.unit}`.trim(), f.target, f.pass === undefined ? '' : f.pass ? 'pass' : 'MISS']);
  const header = ['figure', 'value', 'target', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

export function writeResults(file: string, results: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
}

export function figuresOf(run: {
  ingestion: IngestionResult;
  overhead: OverheadResult;
  oauthBurst: number;
  oauthCalls: number;
  peakRssMb: number | undefined;
  webhooks: WebhookBenchResult;
}): Figure[] {
  const { ingestion, overhead, oauthCalls, peakRssMb, webhooks } = run;
  const pair = (p: { p50Ms: number; p99Ms: number }) => `${round(p.p50Ms)} / ${round(p.p99Ms)}`;
  return [
    { name: 'callbacks/s, ours', value: round(ingestion.ours.perSecond, 0), unit: '/s', target: '' },
    { name: 'callbacks/s, express echo', value: round(ingestion.echo.perSecond, 0), unit: '/s', target: '' },
    { name: 'callback ingestion ratio', value: round(ingestion.ratio), unit: '', target: `>= ${TARGETS.ingestionRatio}`, pass: ingestion.ratio >= TARGETS.ingestionRatio },
    { name: 'callback p99, ours', value: round(ingestion.ours.p99Ms), unit: 'ms', target: '' },
    { name: 'callback p99, express echo', value: round(ingestion.echo.p99Ms), unit: 'ms', target: '' },
    { name: 'initiate p50 / p99', value: pair(overhead.initiate), unit: 'ms', target: '' },
    { name: 'simulator STK Push p50 / p99', value: pair(overhead.stkPush), unit: 'ms', target: '' },
    { name: 'initiate overhead p50', value: round(overhead.overhead.p50Ms), unit: 'ms', target: `<= ${TARGETS.overheadP50Ms} ms`, pass: overhead.overhead.p50Ms <= TARGETS.overheadP50Ms },
    { name: 'initiate overhead p99', value: round(overhead.overhead.p99Ms), unit: 'ms', target: '' },
    { name: `OAuth calls, ${run.oauthBurst} concurrent initiates`, value: oauthCalls, unit: '', target: `${TARGETS.oauthCalls}`, pass: oauthCalls === TARGETS.oauthCalls },
    {
      name: 'webhook first attempt after callback ack, p50',
      value: round(webhooks.latency.p50Ms),
      unit: 'ms',
      target: `<= ${TARGETS.webhookLatencyP50Ms} ms`,
      pass: webhooks.latency.p50Ms <= TARGETS.webhookLatencyP50Ms,
    },
    { name: 'webhook first attempt after callback ack, p99', value: round(webhooks.latency.p99Ms), unit: 'ms', target: '' },
    {
      name: 'webhook deliveries/s, receiver always 200',
      value: round(webhooks.throughput.perSecond, 0),
      unit: '/s',
      target: `>= ${TARGETS.webhookDeliveriesPerSecond}/s`,
      pass: webhooks.throughput.perSecond >= TARGETS.webhookDeliveriesPerSecond,
    },
    {
      name: 'peak RSS, server process (VmHWM, compiled)',
      value: peakRssMb === undefined ? undefined : round(peakRssMb, 1),
      unit: 'MB',
      target: `<= ${TARGETS.peakRssMb} MB`,
      pass: peakRssMb === undefined ? undefined : peakRssMb <= TARGETS.peakRssMb,
    },
  ];
}
