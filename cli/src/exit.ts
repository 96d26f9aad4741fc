// Exit codes a script can rely on (cli/README.md, "Output and exit codes"), and the one error type commands throw.
import { MpesaBridgeError, MpesaBridgeTimeoutError } from '@mpesa-bridge/sdk';

export const EXIT = {
  /** Done, and it went as asked. */
  ok: 0,
  /** Done, but the thing failed: a payment not completed, a wait that ran out, doctor found a failure. */
  failed: 1,
  /** The command line is wrong, or there are no keys to use (run `login`). */
  usage: 2,
  /** The service refused the call, answered with an error, or could not be reached. */
  service: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliErrorInit {
  exit: ExitCode;
  /** The service's error code, or the CLI's own (`not_logged_in`, `network_error`, …). */
  code?: string;
  requestId?: string;
  status?: number;
  /** What to do about it, in one line. */
  fix?: string;
  details?: Record<string, unknown>;
}

export class CliError extends Error {
  readonly exit: ExitCode;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly status: number | undefined;
  readonly fix: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, init: CliErrorInit) {
    super(message);
    this.name = 'CliError';
    this.exit = init.exit;
    this.code = init.code;
    this.requestId = init.requestId;
    this.status = init.status;
    this.fix = init.fix;
    this.details = init.details;
  }
}

/** Fixes for the errors a CLI user meets most, keyed by the service's code. */
const FIXES: Record<string, string> = {
  api_key_unknown:
    'The keys are not this service’s: run `mpesa-bridge login` again (or check --profile and MPESA_BRIDGE_* variables)',
  signature_invalid: 'The secret key does not match the public key: run `mpesa-bridge login` again',
  signature_expired:
    'This machine’s clock is off: sync it (e.g. `timedatectl set-ntp true`), then try again; `mpesa-bridge doctor` shows by how much',
  project_disabled: 'The project is disabled: its operator can enable it again (PATCH /api/v1/projects/:id)',
  network_error: 'Is the service running at that URL? Check it with `mpesa-bridge doctor`',
  rate_limited: 'Wait a little and try again',
  test_mode_only: 'Use test keys (pk_test_…): `mpesa-bridge login --profile test …`, then `--profile test`',
};

/** Any error a command let through, as the CLI reports it. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof MpesaBridgeTimeoutError) {
    return new CliError(error.message, {
      exit: EXIT.failed,
      code: error.code,
      details: { transactionId: error.transactionId, lastStatus: error.lastStatus },
    });
  }
  if (error instanceof MpesaBridgeError) {
    return new CliError(error.message, {
      exit: EXIT.service,
      code: String(error.code),
      requestId: error.requestId,
      status: error.status,
      fix: FIXES[String(error.code)],
      details: error.details,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`Unexpected error: ${message}`, { exit: EXIT.service, code: 'cli_internal_error' });
}
