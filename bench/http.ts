// A minimal JSON client on node:http with a keep-alive agent: the bench's own requests
// (setup, and the sequential latency runs) should cost as little and as evenly as possible.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** Wall time from sending to the last byte of the reply. */
  ms: number;
}

export interface HttpCall {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export function createAgent(maxSockets = Infinity): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

export function callJson(agent: http.Agent, call: HttpCall): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.body !== undefined) {
      headers['content-type'] ??= 'application/json';
      headers['content-length'] = String(Buffer.byteLength(call.body));
    }
    const req = http.request(call.url, { method: call.method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const ms = performance.now() - started;
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          // Not JSON: keep the text, the caller reports it.
        }
        resolve({ status: res.statusCode ?? 0, body, ms });
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${call.method} ${call.url}`)));
    req.on('error', reject);
    req.end(call.body);
  });
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; results in order. */
export async function mapConcurrent<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
