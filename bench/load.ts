// One autocannon run over a fixed list of requests, each sent once. Throughput and latency
// are computed here from autocannon's per-response events: with `amount`, autocannon's own
// duration is rounded up to its 1 s sampling tick and its latency histogram to whole ms,
// both too coarse for runs of a few seconds.
import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { percentile } from './stats';

/** Hard stop for one run, whatever happens: the bench must end by itself. */
const RUN_LIMIT_MS = 45_000;
const REQUEST_TIMEOUT_SECONDS = 10;

export interface LoadRequest {
  path: string;
  body: string;
}

export interface LoadResult {
  requests: number;
  ok: number;
  failed: number;
  seconds: number;
  perSecond: number;
  /** performance.now() when the first request went and when the last answer came: the load's own time. */
  startedAt: number;
  endedAt: number;
  p50Ms: number;
  p99Ms: number;
}

export function runLoad(
  baseUrl: string,
  requests: readonly LoadRequest[],
  connections: number,
): Promise<LoadResult> {
  let next = 0;
  const latencies: number[] = [];
  let ok = 0;
  let lastResponseAt = 0;
  const started = performance.now();

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        amount: requests.length,
        timeout: REQUEST_TIMEOUT_SECONDS,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            // Called once per request sent (autocannon builds each request just before it goes),
            // so every request takes the next entry: one URL and body each.
            setupRequest: (request) => {
              const entry = requests[Math.min(next++, requests.length - 1)]!;
              return { ...request, path: entry.path, body: entry.body };
            },
          },
        ],
      },
      (error: unknown, result: autocannon.Result) => {
        clearTimeout(limit);
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const seconds = (lastResponseAt - started) / 1000;
        resolve({
          requests: latencies.length,
          ok,
          failed: latencies.length - ok + result.errors,
          seconds,
          perSecond: ok / seconds,
          startedAt: started,
          endedAt: lastResponseAt,
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (statusCode >= 200 && statusCode < 300) ok += 1;
      lastResponseAt = performance.now();
    });
    const limit = setTimeout(() => instance.stop(), RUN_LIMIT_MS);
  });
}
