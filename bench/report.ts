// The table on the terminal and the same figures as JSON for bench/results/latest.json.
import fs from 'node:fs';
import path from 'node:path';

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
