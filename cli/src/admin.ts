// Calls to the operator API (projects, their keys) with the admin token: `login --new-project`
// and `keys`. The token comes from a file (--admin-token-file: data/admin-token under `npm
// start`) or MPESA_BRIDGE_ADMIN_TOKEN, never from argv (other users can read it there).
import fs from 'node:fs';
import { CliError, EXIT } from './exit';

export function adminToken(
  options: { adminTokenFile?: string },
  env: NodeJS.ProcessEnv,
  what: string,
): string {
  if (options.adminTokenFile) {
    try {
      return fs.readFileSync(options.adminTokenFile, 'utf8').trim();
    } catch {
      throw new CliError(`Cannot read ${options.adminTokenFile}`, {
        exit: EXIT.usage,
        code: 'usage',
        fix: 'Under `npm start` it is data/admin-token; under `npm run demo`, data/demo/admin-token',
      });
    }
  }
  if (env.MPESA_BRIDGE_ADMIN_TOKEN) return env.MPESA_BRIDGE_ADMIN_TOKEN;
  throw new CliError(`${what} needs the operator’s admin token`, {
    exit: EXIT.usage,
    code: 'usage',
    fix: 'Pass --admin-token-file data/admin-token, or set MPESA_BRIDGE_ADMIN_TOKEN',
  });
}

/** One operator call; the service's error becomes a CliError with its code and request id. */
export async function adminRequest<T>(
  url: string,
  token: string,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(`Could not reach ${url}: ${(error as Error).message}`, {
      exit: EXIT.service,
      code: 'network_error',
      fix: 'Is the service running there? (npm start)',
    });
  }
  const answer = (await response.json().catch(() => undefined)) as
    (T & { error?: { code: string; message: string; requestId?: string } }) | undefined;
  if (!response.ok || answer === undefined) {
    throw new CliError(answer?.error?.message ?? `HTTP ${response.status} from ${url}${path}`, {
      exit: EXIT.service,
      code: answer?.error?.code ?? 'unexpected_response',
      requestId: answer?.error?.requestId ?? response.headers.get('x-request-id') ?? undefined,
      status: response.status,
    });
  }
  return answer;
}
