// The one place that reads the environment. Parsed once with zod; every bad or missing value
// stops the start together, one line each naming its variable (ConfigError.problems).
import fs from 'node:fs';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { SAFARICOM_CALLBACK_IPS } from './core/callback-allowlist';
import { callbackUrlProblems } from './core/callback-url';
import { parseCertificate } from './core/certificate';

// Safaricom's public sandbox STK shortcode and passkey: published in Daraja's own sample
// Password (docs/daraja.md §6). Not secrets, so simulator mode may default to them.
const SANDBOX_SHORTCODE = '174379';
const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';
// Daraja's samples name the initiator `testapi` (docs/daraja.md §6); the password is the
// simulator's own (it knows no other), not a Safaricom one.
const SIMULATOR_INITIATOR_NAME = 'testapi';
const SIMULATOR_INITIATOR_PASSWORD = 'simulator-initiator-password';

const DARAJA_BASE_URLS = {
  sandbox: 'https://sandbox.safaricom.co.ke',
  production: 'https://api.safaricom.co.ke',
} as const;

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/**
 * Safaricom's certificate for an environment (the .cer file of the Daraja portal): the PEM text
 * itself, or the path of a PEM or DER file. Refused at the start when it does not parse.
 */
const certificate = z.string().transform((value, ctx) => {
  const inline = value.includes('-----BEGIN');
  let source: string | Buffer;
  try {
    source = inline ? value : fs.readFileSync(value.trim());
  } catch {
    ctx.addIssue({ code: 'custom', message: `cannot read the file ${value.trim()}` });
    return z.NEVER;
  }
  try {
    // A file may hold PEM or DER: PEM when its text says so.
    const text = Buffer.isBuffer(source) ? source.toString('latin1') : source;
    return parseCertificate(text.includes('-----BEGIN') ? text : (source as Buffer)).pem;
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `${error instanceof Error ? error.message : String(error)}: give the PEM text or the path of Safaricom's .cer file`,
    });
    return z.NEVER;
  }
});

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

const DURATION_UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** "250ms", "5s", "5m", "2h", "5d", or a bare number of milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'must be a duration like 250ms, 5s, 5m, 2h or 5d')
  .transform((value) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)?$/.exec(value)!;
    return Number(amount) * DURATION_UNITS_MS[(unit ?? 'ms') as keyof typeof DURATION_UNITS_MS];
  });
const durations = csv.pipe(z.array(duration).min(1, 'must list at least one duration'));
/** A timer's period: Node's timers hold at most 2^31-1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const timerPeriod = duration.refine((ms) => ms > 0 && ms <= MAX_TIMER_MS, 'must be between 1ms and 24d');

// Express's `trust proxy`: true (every proxy, so X-Forwarded-For is believed from anyone: only
// behind a proxy that overwrites it), a hop count, or proxy addresses, CIDRs and proxy-addr's
// names. Checked here so a bad value names the variable instead of failing inside Express.
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];
/** 0.0.0.0/0, ::/0 and any other /0, or all of IPv4 as IPv4-mapped IPv6 (::ffff:0:0/96). */
function coversEveryAddress(entry: string): boolean {
  if (!ipaddr.isValidCIDR(entry)) return false;
  const [range, bits] = ipaddr.parseCIDR(entry);
  if (bits === 0) return true;
  return range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress() && bits <= 96;
}

const trustProxy = z.string().transform((raw, ctx): boolean | number | string[] => {
  const value = raw.trim();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const bad = entries.filter(
    (entry) => !PROXY_NAMES.includes(entry) && !ipaddr.isValid(entry) && !ipaddr.isValidCIDR(entry),
  );
  if (bad.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be true, false, a hop count (1) or proxy addresses (10.0.0.1, 10.0.0.0/8, loopback); ${bad.join(', ')} is none of these`,
    });
    return z.NEVER;
  }
  // A range that holds every address is `true` in disguise: anyone could claim any address
  // (one of Safaricom's callback addresses, say) with X-Forwarded-For, and it reads like a list
  // of proxies. `true` itself stays, as the documented and diagnosed choice (README).
  const everyone = entries.filter(coversEveryAddress);
  if (everyone.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `${everyone.join(', ')} trusts every address as a proxy, so any caller could claim any address; list the proxies' own addresses or ranges, or give a hop count`,
    });
    return z.NEVER;
  }
  return entries;
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  MPESA_ENVIRONMENT: z.enum(['simulator', 'sandbox', 'production']).default('simulator'),
  // Default: 127.0.0.1 in simulator mode (public default credentials), else 0.0.0.0.
  HOST: z.string().min(1).optional(),
  PORT: int(0, 65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|postgres(ql)?:\/\/)/, 'must start with file: (SQLite) or postgres:// (PostgreSQL)')
    .optional(),
  // A direct PostgreSQL URL for what needs one server connection throughout (the migrations'
  // session lock, the real-time bus's LISTEN), when DATABASE_URL goes through a pooler in
  // transaction mode (PgBouncer), which cannot keep either (docs/instances.md).
  DATABASE_DIRECT_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// (PostgreSQL only)')
    .optional(),
  DATABASE_POOL_SIZE: int(1, 1000).default(10),
  // Deadlines that turn a stalled or partitioned database into fast, retryable 503s (PostgreSQL:
  // statement_timeout, plus the same on the client for a server that no longer answers at all).
  DATABASE_STATEMENT_TIMEOUT: timerPeriod.prefault('10s'),
  DATABASE_CONNECT_TIMEOUT: timerPeriod.prefault('5s'),
  READY_TIMEOUT: timerPeriod.prefault('2s'),
  MASTER_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes); generate with: openssl rand -hex 32')
    .optional(),
  // Older master keys, newest first, while values they sealed are re-sealed (README: key rotation).
  MASTER_KEY_PREVIOUS: csv
    .pipe(
      z.array(
        z.string().regex(/^[0-9a-fA-F]{64}$/, 'must list keys of 64 hex characters, separated by commas'),
      ),
    )
    .optional(),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),

  MPESA_BASE_URL: z.url().optional(),
  MPESA_SANDBOX_BASE_URL: z.url().optional(),
  MPESA_PRODUCTION_BASE_URL: z.url().optional(),
  SIMULATOR_ENABLED: z.enum(['true', 'false'], 'must be true or false').optional(),
  MPESA_CONSUMER_KEY: z.string().min(1).optional(),
  MPESA_CONSUMER_SECRET: z.string().min(1).optional(),
  MPESA_SHORTCODE: z
    .string()
    .regex(/^\d{5,7}$/, 'must be 5 to 7 digits')
    .optional(),
  MPESA_PASSKEY: z.string().min(1).optional(),
  MPESA_TILL_NUMBER: z
    .string()
    .regex(/^\d{5,8}$/, 'must be 5 to 8 digits')
    .optional(),
  MPESA_TIMEOUT_MS: int(100, 120_000).default(15_000),
  // The deployment's own initiator (Transaction Status), and Safaricom's certificates its
  // password and every project's initiator passwords are encrypted with (src/mpesa/mpesa.security-credential.ts).
  MPESA_INITIATOR_NAME: z.string().min(1).max(128).optional(),
  MPESA_INITIATOR_PASSWORD: z.string().min(1).max(256).optional(),
  MPESA_SANDBOX_CERTIFICATE: certificate.optional(),
  MPESA_PRODUCTION_CERTIFICATE: certificate.optional(),
  CALLBACK_BASE_URL: z.url().optional(),
  CALLBACK_ALLOWED_IPS: csv.optional(),
  // A production start refuses a CALLBACK_BASE_URL Safaricom refuses or cannot reach; `warn`
  // logs the reasons and starts anyway (docs/going-live.md). Plain http is refused either way.
  CALLBACK_URL_CHECK: z.enum(['enforce', 'warn']).default('enforce'),
  TRUST_PROXY: trustProxy.optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'must be 1 to 64 letters, digits or _ : . -')
    .default('mpesa-bridge:'),
  // GET /metrics (Prometheus) on an address of its own; not served when METRICS_PORT is unset.
  METRICS_PORT: int(0, 65535).optional(),
  METRICS_HOST: z.string().min(1).optional(),

  CORS_ORIGINS: csv.optional(),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 64kb')
    .default('64kb'),
  RATE_LIMIT_WINDOW_MS: int(1000).default(60_000),
  RATE_LIMIT_MAX: int(1).default(300),
  PROJECT_CREATE_RATE_LIMIT_MAX: int(1).default(20),
  AMOUNT_MIN: int(1).default(1),
  AMOUNT_MAX: int(1).default(250_000),
  SIGNATURE_TOLERANCE_SECONDS: int(1, 3600).default(300),
  // Failed authentication attempts allowed per window before 429 (src/security/failure-limiter.ts).
  AUTH_FAILURE_WINDOW: duration.prefault('15m'),
  SIGNATURE_FAILURES_PER_SOURCE: int(1).default(30),
  SIGNATURE_FAILURES_PER_KEY: int(1).default(30),
  ADMIN_FAILURES_PER_SOURCE: int(1).default(10),
  SUBSCRIBE_FAILURES_PER_SOCKET: int(1).default(10),
  SUBSCRIBE_FAILURES_PER_SOURCE: int(1).default(100),
  SIGN_IN_FAILURES_PER_SOURCE: int(1).default(10),
  SIGN_IN_FAILURES_PER_SOURCE_EMAIL: int(1).default(5),
  SIGN_IN_FAILURES_PER_EMAIL: int(1).default(10),
  // Dashboard sessions (src/operators): ended after this long unused, and after the maximum in any case.
  DASHBOARD_SESSION_IDLE: duration.prefault('12h'),
  DASHBOARD_SESSION_MAX: duration.prefault('7d'),
  // Open project streams have their key or session checked again this often (revocations that
  // missed an instance while the bus was down; src/realtime/revocations.ts).
  STREAM_RECHECK_INTERVAL: timerPeriod.prefault('1m'),
  SHUTDOWN_TIMEOUT_MS: int(0).default(10_000),
  // What one client address may hold open (src/http/connection-limits.ts): slow senders are cut
  // at the deadlines, and an address past its cap is refused. Callback sources are never capped.
  HTTP_HEADERS_TIMEOUT: timerPeriod.prefault('10s'),
  HTTP_REQUEST_TIMEOUT: timerPeriod.prefault('30s'),
  CONNECTIONS_PER_ADDRESS: int(1).default(100),
  SOCKETS_PER_ADDRESS: int(1).default(100),
  // Payment links and the hosted checkout page (src/checkout): where customers reach them, and
  // how many STK Pushes a public page may send to one phone and from one address per window.
  CHECKOUT_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  CHECKOUT_PUSH_WINDOW: duration.prefault('10m'),
  CHECKOUT_PUSHES_PER_PHONE: int(1).default(3),
  CHECKOUT_PUSHES_PER_ADDRESS: int(1).default(30),
  // CSV exports running at once on this instance (more answer 503 with Retry-After).
  EXPORT_CONCURRENCY: int(1, 64).default(2),
  // How often browsers following a payment get any change they may have missed (a bus gap).
  REALTIME_RESYNC_INTERVAL: timerPeriod.prefault('10s'),
  // What instances tell each other through (src/bus): auto is Redis when REDIS_URL is set, else
  // PostgreSQL; SQLite is one instance and needs none. Alone, an instance sends nothing on either.
  REALTIME_BUS: z.enum(['auto', 'postgres', 'redis']).default('auto'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),

  // Webhooks (src/webhooks). The default schedule is Standard Webhooks' (Svix's): after the
  // first attempt, retries 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h later (about 27.5 h).
  WEBHOOK_RETRY_SCHEDULE: durations.prefault('5s,5m,30m,2h,5h,10h,10h'),
  WEBHOOK_TIMEOUT_MS: int(100, 60_000).default(15_000),
  WEBHOOK_DISABLE_AFTER: duration.prefault('5d'),
  // After a timeout or a 429 the next attempt waits at least this long (Svix's overload penalty).
  WEBHOOK_OVERLOAD_PENALTY: duration.prefault('60s'),
  WEBHOOK_CONCURRENCY: int(1, 1000).default(64),
  // Attempts in flight over the deployment, per endpoint and per project and mode (delivery.fairness.ts).
  WEBHOOK_ENDPOINT_CONCURRENCY: int(1, 1000).default(8),
  WEBHOOK_PROJECT_CONCURRENCY: int(1, 1000).default(16),
  WEBHOOK_POLL_INTERVAL_MS: int(10, 60_000).default(1000),
  WEBHOOK_SECRET_OVERLAP: duration.prefault('24h'),

  // C2B (src/c2b): the merchant's own validation endpoint has this long to answer, well inside
  // the ~8 s Safaricom gives our validation URL before ResponseType decides (docs/daraja.md §7).
  C2B_VALIDATION_TIMEOUT_MS: int(100, 7000).default(5000),
  // How far back a confirmation's bill reference may name an open payment request to settle it.
  C2B_MATCH_WINDOW: duration.prefault('7d'),
  // Pull Transactions (src/c2b/c2b.pull.ts): how often accounts that opted in are pulled, and
  // how far back each pull looks. Daraja keeps 48 hours (docs/daraja.md §7 "Pull Transactions");
  // the window is longer than the interval so a pull missed (a restart) is covered by the next.
  C2B_PULL_INTERVAL: timerPeriod.prefault('10m'),
  C2B_PULL_WINDOW: duration
    .refine((ms) => ms >= 60_000 && ms <= 48 * 3600_000, 'must be between 1m and 48h')
    .prefault('2h'),

  // Reconciliation (src/reconciliation): STK Query for payments whose callback is late.
  RECONCILE_AFTER: duration.optional(),
  RECONCILE_EXPIRE_AFTER: duration.prefault('10m'),
  RECONCILE_QUERIES_PER_SECOND: z.coerce.number().positive().max(100).default(2),
  RECONCILE_INTERVAL_MS: int(10, 60_000).default(1000),

  // Payouts (src/payouts): how long a B2C result may take before Transaction Status is asked,
  // the waits between its questions about an unknown payout, and how often the recovery looks.
  PAYOUT_RESULT_WAIT: duration.optional(),
  PAYOUT_STATUS_RETRY_SCHEDULE: durations.prefault('30s,1m,2m,5m,10m,30m,1h,2h,6h,12h,24h'),
  PAYOUT_RECOVERY_INTERVAL: timerPeriod.prefault('1s'),
  // Batches (src/payouts/payout-batch.worker.ts): the wait between two sends of one batch's rows.
  // Two a second stays clear of Daraja's spike arrest (`500.003.02`, docs/daraja.md), and
  // a 1,000-row payroll still goes out in under ten minutes.
  PAYOUT_BATCH_PACE: timerPeriod.prefault('500ms'),

  // Retention (src/maintenance): what is pruned, and when. Payments, their history and events stay.
  CALLBACK_RETENTION: duration.prefault('90d'),
  WEBHOOK_RETENTION: duration.prefault('30d'),
  PRUNE_INTERVAL: timerPeriod.prefault('10m'),
  // The request log (src/request-log): how long signed requests are kept (0: none are logged),
  // and how often the buffered ones are written.
  REQUEST_LOG_RETENTION: duration.prefault('7d'),
  REQUEST_LOG_FLUSH: timerPeriod.prefault('1s'),

  SIMULATOR_PORT: int(0, 65535).default(4010),
  SIMULATOR_CALLBACK_DELAY_MS: int(0).default(2000),
  SIMULATOR_LATE_CALLBACK_MS: int(0).default(20_000),
  SIMULATOR_QUERY_RATE_LIMIT: int(0).default(0),
  // How long the simulated M-Pesa waits for a C2B ValidationURL (Daraja: about 8 s, docs/daraja.md §7).
  SIMULATOR_C2B_VALIDATION_TIMEOUT_MS: int(1).default(8000),
  // URLs (origin + path prefix) the simulator may post callbacks to besides this service's own
  // callback routes (src/simulator/simulator.callback-targets.ts).
  SIMULATOR_CALLBACK_ALLOWLIST: csv
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must list http:// or https:// URLs' })))
    .optional(),
});

type Env = z.infer<typeof envSchema>;

/** Every variable the service reads (the README's configuration table and .env.example list them). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof Env)[];

function buildConfig(env: Env) {
  const simulated = env.MPESA_ENVIRONMENT === 'simulator';
  const production = env.NODE_ENV === 'production';
  // Simulator mode runs on public default credentials and a simulator that pays anything:
  // this machine only, unless HOST says otherwise.
  const host = env.HOST ?? (simulated ? '127.0.0.1' : '0.0.0.0');
  const missing: string[] = [];
  // No secret has a default outside simulator mode (and the simulator's are generated, see keys.ts).
  const required = <T>(name: keyof Env, value: T | undefined, fallback?: T): T => {
    if (value !== undefined) return value;
    if (simulated && fallback !== undefined) return fallback;
    missing.push(name);
    return undefined as T;
  };

  const config = {
    env: env.NODE_ENV,
    production,
    host,
    port: env.PORT,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL ?? `file:${env.DATA_DIR}/mpesa-bridge.db`,
    databaseDirectUrl: env.DATABASE_DIRECT_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseDeadlines: {
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT,
      readyTimeoutMs: env.READY_TIMEOUT,
    },
    masterKeyHex: simulated ? env.MASTER_KEY : required('MASTER_KEY', env.MASTER_KEY),
    previousMasterKeysHex: env.MASTER_KEY_PREVIOUS ?? [],
    adminToken: simulated ? env.ADMIN_TOKEN : required('ADMIN_TOKEN', env.ADMIN_TOKEN),
    mpesa: {
      environment: env.MPESA_ENVIRONMENT,
      simulated,
      /**
       * Daraja per environment, for every account of that environment. MPESA_BASE_URL moves the
       * one of MPESA_ENVIRONMENT; the simulator's, when unset, is this service's own /simulator.
       */
      baseUrls: {
        simulator: env.MPESA_ENVIRONMENT === 'simulator' ? env.MPESA_BASE_URL : undefined,
        sandbox:
          env.MPESA_SANDBOX_BASE_URL ??
          (env.MPESA_ENVIRONMENT === 'sandbox' ? env.MPESA_BASE_URL : undefined) ??
          DARAJA_BASE_URLS.sandbox,
        production:
          env.MPESA_PRODUCTION_BASE_URL ??
          (env.MPESA_ENVIRONMENT === 'production' ? env.MPESA_BASE_URL : undefined) ??
          DARAJA_BASE_URLS.production,
      },
      consumerKey: required('MPESA_CONSUMER_KEY', env.MPESA_CONSUMER_KEY, 'simulator-consumer-key'),
      consumerSecret: required(
        'MPESA_CONSUMER_SECRET',
        env.MPESA_CONSUMER_SECRET,
        'simulator-consumer-secret',
      ),
      shortcode: required('MPESA_SHORTCODE', env.MPESA_SHORTCODE, SANDBOX_SHORTCODE),
      passkey: required('MPESA_PASSKEY', env.MPESA_PASSKEY, SANDBOX_PASSKEY),
      tillNumber: env.MPESA_TILL_NUMBER ?? (simulated ? '5050505' : undefined),
      /**
       * MPESA_TILL_NUMBER set: MPESA_SHORTCODE is that till's Head Office number, not a PayBill,
       * and payments default to the till. The simulator's own default till sits beside the
       * sandbox PayBill 174379, which takes both.
       */
      shortcodeIsPayBill: env.MPESA_TILL_NUMBER === undefined,
      timeoutMs: env.MPESA_TIMEOUT_MS,
      /** The deployment's own initiator; optional everywhere (only Transaction Status needs it). */
      initiatorName: env.MPESA_INITIATOR_NAME ?? (simulated ? SIMULATOR_INITIATOR_NAME : undefined),
      initiatorPassword:
        env.MPESA_INITIATOR_PASSWORD ?? (simulated ? SIMULATOR_INITIATOR_PASSWORD : undefined),
      /** PEM per environment; the simulator's comes from the simulator itself. */
      certificates: {
        sandbox: env.MPESA_SANDBOX_CERTIFICATE,
        production: env.MPESA_PRODUCTION_CERTIFICATE,
      },
    },
    callbacks: {
      baseUrl: simulated ? env.CALLBACK_BASE_URL : required('CALLBACK_BASE_URL', env.CALLBACK_BASE_URL),
      // Simulator callbacks come from this machine; real ones from Safaricom's addresses.
      allowedIps:
        env.CALLBACK_ALLOWED_IPS ?? (simulated ? ['127.0.0.1', '::1'] : [...SAFARICOM_CALLBACK_IPS]),
      urlCheck: env.CALLBACK_URL_CHECK,
    },
    trustProxy: env.TRUST_PROXY ?? false,
    /** Shared state of several instances (replay guard, failure limits); memory when unset. */
    redis: { url: env.REDIS_URL, keyPrefix: env.REDIS_KEY_PREFIX },
    /** Where GET /metrics listens (src/metrics); undefined: nowhere. */
    metrics:
      env.METRICS_PORT === undefined ? undefined : { port: env.METRICS_PORT, host: env.METRICS_HOST ?? host },
    corsOrigins: env.CORS_ORIGINS ?? (simulated ? ['*'] : []),
    bodyLimit: env.BODY_LIMIT,
    bodyLimitBytes: bodyLimitBytes(env.BODY_LIMIT),
    rateLimit: {
      windowMs: env.RATE_LIMIT_WINDOW_MS,
      maxPerKey: env.RATE_LIMIT_MAX,
      projectCreateMaxPerAddress: env.PROJECT_CREATE_RATE_LIMIT_MAX,
    },
    amount: { min: env.AMOUNT_MIN, max: env.AMOUNT_MAX },
    signatureToleranceSeconds: env.SIGNATURE_TOLERANCE_SECONDS,
    failureLimits: {
      windowMs: env.AUTH_FAILURE_WINDOW,
      signaturePerSource: env.SIGNATURE_FAILURES_PER_SOURCE,
      signaturePerKey: env.SIGNATURE_FAILURES_PER_KEY,
      adminPerSource: env.ADMIN_FAILURES_PER_SOURCE,
      subscribePerSocket: env.SUBSCRIBE_FAILURES_PER_SOCKET,
      subscribePerSource: env.SUBSCRIBE_FAILURES_PER_SOURCE,
      signInPerSource: env.SIGN_IN_FAILURES_PER_SOURCE,
      signInPerSourceEmail: env.SIGN_IN_FAILURES_PER_SOURCE_EMAIL,
      signInPerEmail: env.SIGN_IN_FAILURES_PER_EMAIL,
    },
    dashboard: { sessionIdleMs: env.DASHBOARD_SESSION_IDLE, sessionMaxMs: env.DASHBOARD_SESSION_MAX },
    streamRecheckMs: env.STREAM_RECHECK_INTERVAL,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT,
      connectionsPerAddress: env.CONNECTIONS_PER_ADDRESS,
      socketsPerAddress: env.SOCKETS_PER_ADDRESS,
    },
    exportConcurrency: env.EXPORT_CONCURRENCY,
    checkout: {
      /** Where customers open /l/… and /c/…; the callback base, else this server, when unset. */
      baseUrl: (env.CHECKOUT_BASE_URL ?? env.CALLBACK_BASE_URL)?.replace(/\/+$/, ''),
      pushWindowMs: env.CHECKOUT_PUSH_WINDOW,
      pushesPerPhone: env.CHECKOUT_PUSHES_PER_PHONE,
      pushesPerAddress: env.CHECKOUT_PUSHES_PER_ADDRESS,
    },
    realtimeResyncMs: env.REALTIME_RESYNC_INTERVAL,
    realtimeBus: env.REALTIME_BUS,
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (production ? 'json' : 'pretty') },
    webhooks: {
      retryScheduleMs: env.WEBHOOK_RETRY_SCHEDULE,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      disableAfterMs: env.WEBHOOK_DISABLE_AFTER,
      overloadPenaltyMs: env.WEBHOOK_OVERLOAD_PENALTY,
      concurrency: env.WEBHOOK_CONCURRENCY,
      perEndpointConcurrency: env.WEBHOOK_ENDPOINT_CONCURRENCY,
      perProjectConcurrency: env.WEBHOOK_PROJECT_CONCURRENCY,
      pollIntervalMs: env.WEBHOOK_POLL_INTERVAL_MS,
      secretOverlapMs: env.WEBHOOK_SECRET_OVERLAP,
      // Private, loopback and link-local targets (SSRF into our own network) are refused
      // except in simulator mode, where the receiver is expected on this machine. Not tied to
      // NODE_ENV: a sandbox or production service run with NODE_ENV=development is still exposed.
      allowPrivateUrls: simulated,
    },
    c2b: {
      validationTimeoutMs: env.C2B_VALIDATION_TIMEOUT_MS,
      matchWindowMs: env.C2B_MATCH_WINDOW,
      pullIntervalMs: env.C2B_PULL_INTERVAL,
      pullWindowMs: env.C2B_PULL_WINDOW,
    },
    reconciliation: {
      // The simulator answers within seconds; a newcomer should not wait 90 s to see it work.
      afterMs: env.RECONCILE_AFTER ?? (simulated ? 15_000 : 90_000),
      expireAfterMs: env.RECONCILE_EXPIRE_AFTER,
      queriesPerSecond: env.RECONCILE_QUERIES_PER_SECOND,
      intervalMs: env.RECONCILE_INTERVAL_MS,
    },
    payouts: {
      // Daraja's B2C results usually come within seconds; the simulator's within its callback delay.
      resultWaitMs: env.PAYOUT_RESULT_WAIT ?? (simulated ? 15_000 : 120_000),
      statusRetryScheduleMs: env.PAYOUT_STATUS_RETRY_SCHEDULE,
      intervalMs: env.PAYOUT_RECOVERY_INTERVAL,
      batchPaceMs: env.PAYOUT_BATCH_PACE,
    },
    retention: {
      callbacksMs: env.CALLBACK_RETENTION,
      webhookDeliveriesMs: env.WEBHOOK_RETENTION,
      requestLogMs: env.REQUEST_LOG_RETENTION,
      intervalMs: env.PRUNE_INTERVAL,
    },
    requestLog: {
      /** Off when the retention is 0: nothing is recorded. */
      enabled: env.REQUEST_LOG_RETENTION > 0,
      flushMs: env.REQUEST_LOG_FLUSH,
    },
    simulator: {
      /** Serves /simulator (simulator accounts of every project need it); off outside simulator mode unless asked. */
      enabled: env.SIMULATOR_ENABLED === undefined ? simulated : env.SIMULATOR_ENABLED === 'true',
      port: env.SIMULATOR_PORT,
      queryRateLimit: env.SIMULATOR_QUERY_RATE_LIMIT,
      callbackDelayMs: env.SIMULATOR_CALLBACK_DELAY_MS,
      lateCallbackMs: env.SIMULATOR_LATE_CALLBACK_MS,
      callbackAllowlist: env.SIMULATOR_CALLBACK_ALLOWLIST ?? [],
      c2bValidationTimeoutMs: env.SIMULATOR_C2B_VALIDATION_TIMEOUT_MS,
    },
  };

  // Checks across variables; each line names the variable to change.
  const problems = missing.map((name) => `${name}: required when MPESA_ENVIRONMENT=${env.MPESA_ENVIRONMENT}`);
  if (config.reconciliation.expireAfterMs <= config.reconciliation.afterMs) {
    problems.push('RECONCILE_EXPIRE_AFTER: must be longer than RECONCILE_AFTER');
  }
  if (config.dashboard.sessionIdleMs > config.dashboard.sessionMaxMs)
    problems.push('DASHBOARD_SESSION_IDLE: must not exceed DASHBOARD_SESSION_MAX');
  if (config.amount.min > config.amount.max) problems.push('AMOUNT_MIN: must not exceed AMOUNT_MAX');
  if (env.REALTIME_BUS === 'redis' && !env.REDIS_URL) problems.push('REALTIME_BUS: redis needs REDIS_URL');
  if (env.REALTIME_BUS === 'postgres' && config.databaseUrl.startsWith('file:'))
    problems.push('REALTIME_BUS: postgres needs a PostgreSQL DATABASE_URL (SQLite is one instance)');
  if (env.DATABASE_DIRECT_URL && config.databaseUrl.startsWith('file:'))
    problems.push('DATABASE_DIRECT_URL: only with a PostgreSQL DATABASE_URL');
  if (
    !simulated &&
    config.callbacks.baseUrl !== undefined &&
    !config.callbacks.baseUrl.startsWith('https://')
  ) {
    problems.push('CALLBACK_BASE_URL: Safaricom requires a public https:// URL outside the simulator');
  } else if (env.MPESA_ENVIRONMENT === 'production' && env.CALLBACK_URL_CHECK === 'enforce') {
    for (const problem of productionCallbackUrlProblems(config.callbacks.baseUrl))
      problems.push(
        `CALLBACK_BASE_URL: ${problem.message.replace(/^CALLBACK_BASE_URL /, '')}. ${problem.fix} (or CALLBACK_URL_CHECK=warn to start anyway)`,
      );
  }
  return { config, problems };
}

/**
 * What Safaricom's production Daraja would refuse or never reach in CALLBACK_BASE_URL: the rules
 * `doctor` reports (src/diagnostics/diagnostics.callback-url.ts), their failures only.
 */
export function productionCallbackUrlProblems(baseUrl: string | undefined) {
  if (baseUrl === undefined) return [];
  return callbackUrlProblems({ baseUrl, configured: true, caller: 'production' }).filter(
    (problem) => problem.status === 'fail',
  );
}

/** "64kb" in bytes, counted as body-parser counts (1 kb = 1024 b). */
function bodyLimitBytes(limit: string): number {
  const [, amount, unit] = /^(\d+)(b|kb|mb)$/.exec(limit)!;
  return Number(amount) * { b: 1, kb: 1024, mb: 1024 * 1024 }[unit as 'b' | 'kb' | 'mb'];
}

export type Config = Readonly<ReturnType<typeof buildConfig>['config']>;

/** Every problem of the environment, one line each, each starting with its variable's name. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Parses the given environment (process.env by default). Throws one ConfigError listing every problem. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  const issues = parsed.success ? [] : parsed.error.issues;
  const invalid = new Set(issues.map((issue) => String(issue.path[0])));
  // The bad variables are dropped (back to their defaults) so the rest can still be checked:
  // a missing secret is reported beside a bad port, not after the next restart.
  const env = parsed.success
    ? parsed.data
    : envSchema.parse(Object.fromEntries(Object.entries(source).filter(([name]) => !invalid.has(name))));
  const built = buildConfig(env);
  const problems = [
    ...issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`),
    // A cross-variable check that read a dropped variable's default would only mislead.
    ...built.problems.filter(
      (problem) => ![...invalid].some((name) => new RegExp(`\\b${name}\\b`).test(problem)),
    ),
  ];
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(built.config);
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child);
  }
  return Object.freeze(value);
}
