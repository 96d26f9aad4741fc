// What an operator graphs, in the Prometheus format (prom-client). Every figure is a counter, a
// histogram or a gauge read at scrape time, never a rate or a percentile computed here, so the
// series of several instances add up: sum by (route) (rate(mpesa_bridge_http_requests_total[1m]))
// is the deployment's traffic, whichever instance served it (Prometheus labels each series with
// the instance it scraped). Label values come from short closed lists or route templates,
// never from ids, phones or tokens.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestHandler } from 'express';
import type { PoolStats } from '../db/database';

const PREFIX = 'mpesa_bridge_';
/** Seconds: from a fraction of a millisecond (a cached answer) to Daraja's 15 s deadline. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
/** Seconds a webhook attempt started after it was due: milliseconds when all is well, minutes when a backlog builds. */
const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: PREFIX });

  const httpRequests = new Counter({
    name: `${PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'Time from the request to the end of its answer, by method, route template and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const callbacksReceived = new Counter({
    name: `${PREFIX}callbacks_received_total`,
    help: 'M-Pesa callbacks received from an allowed source and stored.',
    registers,
  });
  const callbacksProcessed = new Counter({
    name: `${PREFIX}callbacks_processed_total`,
    help: 'Stored callbacks applied to their payment, by outcome: applied, enriched, duplicate, orphan (no such payment) or unreadable.',
    labelNames: ['outcome'],
    registers,
  });
  const webhookAttempts = new Counter({
    name: `${PREFIX}webhook_attempts_total`,
    help: 'Webhook delivery attempts, by outcome: succeeded, retry or failed (for good).',
    labelNames: ['outcome'],
    registers,
  });
  const webhookLag = new Histogram({
    name: `${PREFIX}webhook_attempt_lag_seconds`,
    help: 'How long after it was due each webhook attempt started.',
    buckets: LAG_BUCKETS,
    registers,
  });
  const reconcileQueries = new Counter({
    name: `${PREFIX}reconcile_queries_total`,
    help: 'STK Queries sent by reconciliation, by answer: final, in_progress, no_answer, throttled or error.',
    labelNames: ['answer'],
    registers,
  });
  const darajaCalls = new Counter({
    name: `${PREFIX}daraja_calls_total`,
    help: "Calls to Daraja, by endpoint (stk_push, stk_query) and outcome: ok, or Daraja's error code, or unknown (no readable answer).",
    labelNames: ['endpoint', 'outcome'],
    registers,
  });
  const darajaDuration = new Histogram({
    name: `${PREFIX}daraja_call_duration_seconds`,
    help: 'Time of each Daraja call (its token included), by endpoint.',
    labelNames: ['endpoint'],
    buckets: LATENCY_BUCKETS,
    registers,
  });

  let poolStats: (() => PoolStats) | undefined;
  let socketCount: (() => number) | undefined;
  new Gauge({
    name: `${PREFIX}db_pool_connections`,
    help: 'Database connections of this instance: max (DATABASE_POOL_SIZE), open, idle, and callers waiting for one.',
    labelNames: ['state'],
    registers,
    collect() {
      const stats = poolStats?.();
      if (!stats) return;
      for (const [state, value] of Object.entries(stats)) this.set({ state }, value);
    },
  });
  new Gauge({
    name: `${PREFIX}socketio_connections`,
    help: 'Socket.io clients connected to this instance.',
    registers,
    collect() {
      if (socketCount) this.set(socketCount());
    },
  });

  /** Counts and times every request by its route template (never its path: ids and tokens stay out). */
  const http: RequestHandler = (req, res, next) => {
    const stop = httpDuration.startTimer();
    res.on('finish', () => {
      // A route declared with several paths is labelled with all of them: Express does not say which matched.
      const paths: unknown[] = req.route ? [req.route.path].flat() : [];
      const route =
        paths.length > 0 ? paths.map((path) => `${req.baseUrl}${String(path)}`).join('|') : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };

  return {
    registry,
    http,
    callbacks: {
      received: () => callbacksReceived.inc(),
      processed: (outcome: string) => callbacksProcessed.inc({ outcome }),
    },
    webhooks: {
      attempted: (outcome: 'succeeded' | 'retry' | 'failed', lagSeconds: number) => {
        webhookAttempts.inc({ outcome });
        webhookLag.observe(Math.max(0, lagSeconds));
      },
    },
    reconciliation: {
      answered: (answer: 'final' | 'in_progress' | 'no_answer' | 'throttled' | 'error') =>
        reconcileQueries.inc({ answer }),
    },
    daraja: {
      called: (endpoint: 'stk_push' | 'stk_query', outcome: string, seconds: number) => {
        darajaCalls.inc({ endpoint, outcome });
        darajaDuration.observe({ endpoint }, seconds);
      },
    },
    /** Gauges read at scrape time. */
    watch(sources: { pool?: () => PoolStats; sockets?: () => number }) {
      poolStats = sources.pool ?? poolStats;
      socketCount = sources.sockets ?? socketCount;
    },
  };
}

/** The observers features take; each defaults to doing nothing (a feature works without metrics). */
export type CallbackMetrics = Metrics['callbacks'];
export type WebhookMetrics = Metrics['webhooks'];
export type ReconcileMetrics = Metrics['reconciliation'];
export type DarajaMetrics = Metrics['daraja'];
