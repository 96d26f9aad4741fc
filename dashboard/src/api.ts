// The pages call the service's own API (the routes everyone else calls) with the session
// cookie: the project and mode in headers, the CSRF token on every write. Errors arrive in the
// one error shape and are thrown as ApiError with its stable code.
export interface Scope {
  projectId: string;
  mode: 'test' | 'live';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    /** The error's `details` (a refused batch's bad rows, …). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

let csrfToken = '';
export const setCsrfToken = (token: string) => {
  csrfToken = token;
};

/** Told when a request finds the session gone, so the app shows the sign-in page. */
let onSignedOut: () => void = () => undefined;
export const whenSignedOut = (listener: () => void) => {
  onSignedOut = listener;
};

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  scope?: Scope;
  query?: Record<string, string | undefined>;
}

export function urlOf(path: string, query: RequestOptions['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export function headersOf(
  options: Pick<RequestOptions, 'method' | 'scope'> & { json?: boolean },
): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.json) headers['Content-Type'] = 'application/json';
  if (options.method && options.method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  if (options.scope) {
    headers['X-Project-Id'] = options.scope.projectId;
    headers['X-Mode'] = options.scope.mode;
  }
  return headers;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const response = await fetch(urlOf(path, options.query), {
    method,
    credentials: 'same-origin',
    headers: headersOf({ method, scope: options.scope, json: options.body !== undefined }),
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => undefined)) as
    | { error?: { code: string; message: string; requestId?: string; details?: Record<string, unknown> } }
    | undefined;
  if (!response.ok) {
    const error = body?.error ?? { code: 'unexpected_response', message: `HTTP ${response.status}` };
    if (error.code === 'session_invalid' && !path.endsWith('/dashboard/session')) onSignedOut();
    throw new ApiError(
      response.status,
      error.code,
      error.message,
      error.requestId,
      'details' in error ? error.details : undefined,
    );
  }
  return body as T;
}
