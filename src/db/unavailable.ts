// Which database errors mean "the database is away or too slow", not "this request is wrong"
// and not "our bug": a merchant may retry those (503 service_unavailable with Retry-After,
// errors.ts), and /ready reports them.

/** SQLSTATE classes and codes of a server that went away or cancelled a statement on its deadline. */
const POSTGRES_UNAVAILABLE = new Set([
  '57014', // query_canceled: statement_timeout
  '57P01', // admin_shutdown: pg_terminate_backend, a restart
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
  '53100', // disk_full
  '25006', // read_only_sql_transaction: a standby after a failover
]);

/** node-postgres's own messages when a connection dies, a query outlives query_timeout or no connection comes. */
const POSTGRES_CLIENT_MESSAGES = [
  'Connection terminated',
  'Query read timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** better-sqlite3: a lock held past busy_timeout, a full disk, an I/O error. */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY)/;

/**
 * What these checks read of an error. Not `instanceof Error`: a driver's native code makes its
 * errors with the Error class of the context that loaded it first, which need not be the
 * caller's (a vm context, as under jest), and such an error is still the driver's.
 */
interface ErrorFields {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

function fieldsOf(error: unknown): ErrorFields | undefined {
  return typeof error === 'object' && error !== null ? (error as ErrorFields) : undefined;
}

/**
 * The disk the database writes to is full: PostgreSQL's SQLSTATE 53100 disk_full (what a write
 * that cannot extend a file raises, https://www.postgresql.org/docs/current/errcodes-appendix.html),
 * SQLite's SQLITE_FULL ("database or disk is full", https://www.sqlite.org/rescode.html#full),
 * Node's ENOSPC. A kind of unavailable: the merchant may retry once there is room.
 */
export function isDiskFull(error: unknown): boolean {
  const fields = fieldsOf(error);
  if (!fields) return false;
  const { code, cause } = fields;
  if (code === '53100' || code === 'ENOSPC' || (typeof code === 'string' && code.startsWith('SQLITE_FULL')))
    return true;
  return cause !== undefined && cause !== error && isDiskFull(cause);
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const fields = fieldsOf(error);
  if (!fields) return false;
  const { code, message, cause } = fields;
  if (typeof code === 'string') {
    if (POSTGRES_UNAVAILABLE.has(code) || code.startsWith('08') || NETWORK_CODES.has(code)) return true;
    if (SQLITE_UNAVAILABLE.test(code)) return true;
  }
  if (isDiskFull(error)) return true;
  if (typeof message === 'string' && POSTGRES_CLIENT_MESSAGES.some((known) => message.startsWith(known)))
    return true;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}
