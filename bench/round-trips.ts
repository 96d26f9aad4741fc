// Round trips to PostgreSQL, counted on the client side of the wire: every query a node-postgres
// client sends (the service's pool, the rate limiter beside it, the real-time bus's own pool)
// is one request and one answer, whatever protocol it takes (a prepared statement's Parse, Bind,
// Execute and Sync travel together). pg_stat_statements is not there on most servers, and it
// would not see which process sent what. Installed by the bench's server process (bench/server.ts)
// and by tests/db/round-trips.test.ts, before the service opens its pools.
import pg from 'pg';

export interface RoundTrips {
  total: number;
  /** By statement kind ("BEGIN", "INSERT Transaction", "SELECT pg_notify", ...). */
  byKind: Record<string, number>;
}

let counting: { total: number; byKind: Map<string, number> } | undefined;
/** Every client connected in this process: their server processes are where the database spends its CPU for us. */
const clients = new Set<pg.Client>();

/** A short, stable label for a statement: its verb and first table, or the function it calls. */
export function statementKind(text: string): string {
  const sql = text.trim();
  const verb = (/^\w+/.exec(sql)?.[0] ?? '?').toUpperCase();
  if (/pg_notify\s*\(/i.test(sql)) return 'SELECT pg_notify';
  if (verb === 'WITH') {
    // "ON CONFLICT … DO UPDATE SET" names no table: not a write of its own.
    const writes = [...sql.matchAll(/(?<!do\s)\b(insert\s+into|update|delete\s+from)\s+"?(\w+)"?/gi)].map(
      (match) => `${match[1]!.split(/\s+/)[0]!.toUpperCase()} ${match[2]}`,
    );
    return `WITH ${[...new Set(writes)].join(' + ') || 'SELECT'}`;
  }
  const table =
    /\b(?:from|into|update|table)\s+"?(\w+)"?/i.exec(sql)?.[1] ??
    /^select\s+(\w+)\s*\(/i.exec(sql)?.[1] ??
    '';
  return table ? `${verb} ${table}` : verb;
}

/** Starts counting every query of every node-postgres client in this process (once). */
export function countRoundTrips(): void {
  if (counting) return;
  counting = { total: 0, byKind: new Map() };
  const state = counting;
  const connect = pg.Client.prototype.connect as (...args: unknown[]) => unknown;
  pg.Client.prototype.connect = function trackedConnect(this: pg.Client, ...args: unknown[]) {
    clients.add(this);
    this.once('end', () => clients.delete(this));
    return connect.apply(this, args);
  } as typeof pg.Client.prototype.connect;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function countedQuery(this: pg.Client, ...args: unknown[]) {
    const [config] = args;
    const text =
      typeof config === 'string'
        ? config
        : typeof (config as { text?: unknown } | null)?.text === 'string'
          ? (config as { text: string }).text
          : '';
    const kind = statementKind(text);
    state.total += 1;
    state.byKind.set(kind, (state.byKind.get(kind) ?? 0) + 1);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}

/** What was counted so far (zero when counting never started). */
export function roundTrips(): RoundTrips {
  return {
    total: counting?.total ?? 0,
    byKind: Object.fromEntries(counting?.byKind ?? []),
  };
}

/** The PostgreSQL server processes (backend pids) of this process's open connections. */
export function backendPids(): number[] {
  return [...clients]
    .map((client) => (client as unknown as { processID?: number }).processID)
    .filter((pid): pid is number => typeof pid === 'number');
}

/** What happened between two readings, per `per` operations. */
export function tripsBetween(before: RoundTrips, after: RoundTrips, per = 1): RoundTrips {
  const byKind: Record<string, number> = {};
  for (const [kind, count] of Object.entries(after.byKind)) {
    const delta = count - (before.byKind[kind] ?? 0);
    if (delta > 0) byKind[kind] = delta / per;
  }
  return { total: (after.total - before.total) / per, byKind };
}
