// `doctor`: a deployment checked the way a support engineer would. From here: is the service
// reachable and ready, is this machine's clock within the signature tolerance of the
// service's, are the keys accepted. From the service (GET /api/v1/diagnostics, signed): the
// callback base URL, TRUST_PROXY against the headers it sees, the callback allowlist, Daraja
// accepting each M-Pesa account, webhook endpoint health. Each finding with its fix. And the
// going-live trap: a profile named live that holds test keys fails, whatever the service says.
import { MpesaBridgeError } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { EXIT } from '../exit';
import { profileSaysLive, type Credentials } from '../profiles';

export type Status = 'ok' | 'warn' | 'fail';

export interface Finding {
  check: string;
  status: Status;
  message: string;
  fix: string | null;
}

interface Diagnostics {
  project: { id: string; mode: 'test' | 'live' };
  service: {
    mpesaEnvironment: string;
    simulatorEnabled: boolean;
    callbackBaseUrl: string;
    signatureToleranceSeconds: number;
    time: string;
  };
  findings: Finding[];
}

/** The service's default SIGNATURE_TOLERANCE_SECONDS, used when it could not be asked. */
const DEFAULT_TOLERANCE_SECONDS = 300;
/** The Date header counts whole seconds: a difference this small is only its rounding. */
const CLOCK_NOISE_SECONDS = 2;
const REACH_TIMEOUT_MS = 10_000;

export const registerDoctor: Registrar = (program, action) => {
  program
    .command('doctor')
    .description(
      'Check a deployment: reachable, clock, keys, callback URL, TRUST_PROXY, allowlist, Daraja credentials, webhook endpoints',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ mpesa-bridge doctor
  $ mpesa-bridge doctor --profile live          # before going live: the live mode's accounts and endpoints
  $ mpesa-bridge doctor --json | jq '.findings[] | select(.status != "ok")'

Exit code 0 when nothing failed (warnings allowed), 1 when a check failed.`,
    )
    .action(action(async (context: Context) => doctor(context)));
};

async function doctor(context: Context) {
  const credentials = context.credentials();
  const findings: Finding[] = [];
  const profile = profileFinding(credentials);
  if (profile) findings.push(profile);
  const reach = await reachability(credentials.url);
  findings.push(...reach.findings);

  let diagnostics: Diagnostics | undefined;
  if (reach.reachable) {
    try {
      diagnostics = (
        await context.client().request<Diagnostics>({ method: 'GET', path: '/api/v1/diagnostics' })
      ).body;
      findings.push({
        check: 'keys',
        status: 'ok',
        message: `${credentials.publicKey} is accepted (${diagnostics.project.mode} mode, project ${diagnostics.project.id})`,
        fix: null,
      });
    } catch (error) {
      findings.push(keysFinding(error, credentials));
    }
  }
  if (reach.skewSeconds !== undefined)
    findings.push(
      clockFinding(
        reach.skewSeconds,
        diagnostics?.service.signatureToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
      ),
    );
  if (diagnostics) findings.push(...diagnostics.findings);

  const summary = { ok: 0, warn: 0, fail: 0 };
  for (const finding of findings) summary[finding.status] += 1;
  report(context, credentials, findings, summary, diagnostics);
  return summary.fail > 0 ? EXIT.failed : EXIT.ok;
}

/** A profile named for live use must hold live keys: test keys there check nothing of going live. */
function profileFinding(credentials: Credentials): Finding | undefined {
  const check = 'profile';
  const { profile, publicKey, mode } = credentials;
  if (profileSaysLive(profile) && mode === 'test')
    return {
      check,
      status: 'fail',
      message: `Profile "${profile}" is named for live use but holds test keys (${publicKey}): its checks say nothing of live payments`,
      fix: `Save the project’s live keys in it: mpesa-bridge login --profile ${profile} --public-key pk_live_… --secret-key-stdin (or --new-project … --mode live)`,
    };
  return undefined;
}

interface Reach {
  reachable: boolean;
  /** This machine's clock minus the service's, in seconds (from the Date header). */
  skewSeconds?: number;
  findings: Finding[];
}

async function reachability(url: string): Promise<Reach> {
  const check = 'service';
  const started = Date.now();
  let health: Response;
  try {
    health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(REACH_TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${REACH_TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    return {
      reachable: false,
      findings: [
        {
          check,
          status: 'fail',
          message: `${url} cannot be reached: ${reason}`,
          fix: 'Check the URL (mpesa-bridge login --url …, or MPESA_BRIDGE_URL) and that the service is running',
        },
      ],
    };
  }
  const roundTripMs = Date.now() - started;
  const date = health.headers.get('date');
  // The Date header was written about half a round trip before the answer arrived here.
  const skewSeconds = date ? Math.round((started + roundTripMs / 2 - Date.parse(date)) / 1000) : undefined;
  const body = (await health.json().catch(() => undefined)) as { status?: string } | undefined;
  if (!health.ok || body?.status !== 'ok') {
    return {
      reachable: false,
      skewSeconds,
      findings: [
        {
          check,
          status: 'fail',
          message: `${url}/health answered HTTP ${health.status}, not mpesa-bridge's {"status":"ok"}`,
          fix: 'Is this the mpesa-bridge service? A proxy may send the path elsewhere',
        },
      ],
    };
  }
  const ready = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(REACH_TIMEOUT_MS) }).then(
    async (response) => ({
      ok: response.ok,
      status: ((await response.json().catch(() => ({}))) as { status?: string }).status,
    }),
    () => ({ ok: false, status: 'unreachable' }),
  );
  if (!ready.ok) {
    return {
      reachable: true,
      skewSeconds,
      findings: [
        {
          check,
          status: 'fail',
          message: `Reachable, but not ready: ${ready.status ?? 'unknown'}`,
          fix:
            ready.status === 'redis_unreachable'
              ? 'Check REDIS_URL and that Redis is up'
              : 'Check DATABASE_URL and that the database is up',
        },
      ],
    };
  }
  return {
    reachable: true,
    skewSeconds,
    findings: [
      { check, status: 'ok', message: `${url} is reachable and ready (${roundTripMs} ms)`, fix: null },
    ],
  };
}

function clockFinding(skewSeconds: number, toleranceSeconds: number): Finding {
  const check = 'clock';
  const off = Math.abs(skewSeconds);
  const which = skewSeconds > 0 ? 'ahead of' : 'behind';
  const fix =
    'Sync this machine’s clock (timedatectl set-ntp true; on macOS, Date & Time > Set automatically), or the server’s if this one is right';
  if (off <= CLOCK_NOISE_SECONDS)
    return {
      check,
      status: 'ok',
      message: `This machine’s clock agrees with the service’s (within ${CLOCK_NOISE_SECONDS} s; signatures allow ${toleranceSeconds} s)`,
      fix: null,
    };
  if (off < toleranceSeconds / 2)
    return {
      check,
      status: 'ok',
      message: `This machine’s clock is ${off} s ${which} the service’s (signatures allow ${toleranceSeconds} s)`,
      fix: null,
    };
  if (off <= toleranceSeconds)
    return {
      check,
      status: 'warn',
      message: `This machine’s clock is ${off} s ${which} the service’s, close to the ${toleranceSeconds} s signatures allow`,
      fix,
    };
  return {
    check,
    status: 'fail',
    message: `This machine’s clock is ${off} s ${which} the service’s: beyond the ${toleranceSeconds} s signatures allow, every signed call is refused (signature_expired)`,
    fix,
  };
}

function keysFinding(error: unknown, credentials: Credentials): Finding {
  const check = 'keys';
  if (!(error instanceof MpesaBridgeError)) throw error;
  const request = error.requestId ? ` (request ${error.requestId})` : '';
  switch (error.code) {
    case 'api_key_unknown':
      return {
        check,
        status: 'fail',
        message: `${credentials.publicKey} is not a key of this service${request}`,
        fix: 'Log in again with the project’s keys: mpesa-bridge login',
      };
    case 'signature_invalid':
      return {
        check,
        status: 'fail',
        message: `The secret key does not match ${credentials.publicKey}${request}`,
        fix: 'Log in again with the pair the project was given (or rotated to)',
      };
    case 'signature_expired':
      return {
        check,
        status: 'fail',
        message: `The service refused the signature as expired: the clocks disagree${request}`,
        fix: 'See the clock finding',
      };
    case 'project_disabled':
      return {
        check,
        status: 'fail',
        message: `The project of ${credentials.publicKey} is disabled${request}`,
        fix: 'Its operator can enable it again (PATCH /api/v1/projects/:id {"disabled": false})',
      };
    case 'route_not_found':
      return {
        check,
        status: 'warn',
        message: `The keys work, but this service has no /api/v1/diagnostics: it is older than this CLI${request}`,
        fix: 'Upgrade the service for its own checks (callback URL, TRUST_PROXY, allowlist, credentials, endpoints)',
      };
    default:
      return {
        check,
        status: 'fail',
        message: `The signed check failed: ${error.message} (${String(error.code)})${request}`,
        fix: null,
      };
  }
}

function report(
  context: Context,
  credentials: Credentials,
  findings: Finding[],
  summary: Record<Status, number>,
  diagnostics: Diagnostics | undefined,
) {
  const { output } = context;
  if (output.json) {
    output.data({
      url: credentials.url,
      profile: credentials.profile,
      mode: credentials.mode,
      project: diagnostics?.project ?? null,
      service: diagnostics?.service ?? null,
      findings,
      summary,
    });
    return;
  }
  const { color } = output;
  const mark: Record<Status, string> = output.interactive
    ? { ok: color.green('✔'), warn: color.yellow('!'), fail: color.red('✖') }
    : { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };
  output.line(
    `${color.bold('mpesa-bridge doctor')}  ${credentials.url}, ${credentials.mode} mode${diagnostics ? `, project ${diagnostics.project.id}, MPESA_ENVIRONMENT=${diagnostics.service.mpesaEnvironment}` : ''}`,
  );
  output.line();
  const width = Math.max(...findings.map((finding) => finding.check.length));
  for (const finding of findings) {
    output.line(`${mark[finding.status]} ${finding.check.padEnd(width)}  ${finding.message}`);
    if (finding.fix && finding.status !== 'ok')
      output.line(`  ${' '.repeat(width)}  ${color.dim('fix:')} ${finding.fix}`);
  }
  output.line();
  output.line(
    `${summary.fail} failed, ${summary.warn} warning${summary.warn === 1 ? '' : 's'}, ${summary.ok} ok`,
  );
  if (credentials.mode === 'test')
    output.note(
      color.dim(
        'These are the test mode’s checks. Before going live, run it with live keys too: mpesa-bridge doctor --profile live',
      ),
    );
}
