// Reads at size: with a year of payments seeded into one project, the signed status lookup
// and every list shape (filters, date windows, deep cursors), one request at a time over a
// keep-alive connection, p50 and p99 as the merchant sees them.
import { createAgent } from './http';
import { signedCall, type ProjectKeys } from './merchant';
import type { SeedResult } from './seed';
import { percentile } from './stats';

const LOOKUPS = 600;
const LIST_REQUESTS = 150;
const WARMUP = 50;

export interface LatencyFigure {
  p50Ms: number;
  p99Ms: number;
}

export interface LookupResult {
  rows: number;
  lookup: LatencyFigure;
  lists: Record<string, LatencyFigure>;
  /** The slowest list shape's p99. */
  worstListP99Ms: number;
}

const iso = (date: Date) => date.toISOString();

export async function benchLookups(
  serverUrl: string,
  keys: ProjectKeys,
  seed: SeedResult,
): Promise<LookupResult> {
  const agent = createAgent(1);
  const timed = async (path: (i: number) => string, count: number): Promise<LatencyFigure> => {
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + count; i += 1) {
      const answer = await signedCall(agent, serverUrl, keys, 'GET', path(i));
      if (answer.status !== 200)
        throw new Error(`lookup failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      if (i >= WARMUP) samples.push(answer.ms);
    }
    return { p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) };
  };
  const pick = (i: number) => seed.sample[(i * 7) % seed.sample.length]!;
  const day = 86_400_000;
  try {
    const lookup = await timed((i) => `/api/v1/transactions/${pick(i).id}`, LOOKUPS);
    const lists: Record<string, LatencyFigure> = {
      'first page': await timed(() => '/api/v1/transactions?limit=20', LIST_REQUESTS),
      'status=failed': await timed(() => '/api/v1/transactions?status=failed&limit=20', LIST_REQUESTS),
      phone: await timed((i) => `/api/v1/transactions?phone=${pick(i).phone}`, LIST_REQUESTS),
      accountReference: await timed(
        (i) => `/api/v1/transactions?accountReference=${pick(i).accountReference}`,
        LIST_REQUESTS,
      ),
      // A past day, months back: the shape that walked through every newer row.
      'past from/to window': await timed((i) => {
        const from = pick(i).createdAt;
        return `/api/v1/transactions?from=${iso(from)}&to=${iso(new Date(from.getTime() + day))}&limit=50`;
      }, LIST_REQUESTS),
      'status + window': await timed((i) => {
        const from = pick(i).createdAt;
        return `/api/v1/transactions?status=cancelled&from=${iso(from)}&to=${iso(new Date(from.getTime() + 7 * day))}`;
      }, LIST_REQUESTS),
      'deep cursor': await timed((i) => `/api/v1/transactions?cursor=${pick(i).id}&limit=100`, LIST_REQUESTS),
    };
    return {
      rows: seed.rows,
      lookup,
      lists,
      worstListP99Ms: Math.max(...Object.values(lists).map((figure) => figure.p99Ms)),
    };
  } finally {
    agent.destroy();
  }
}
