// A browser on the dashboard, as a server test sees it: signs in, keeps the session cookie and
// the CSRF token, and calls the same API routes the pages call.
import axios, { type AxiosResponse } from 'axios';

export interface DashboardUserInput {
  email: string;
  password: string;
  name?: string;
  role?: 'operator' | 'member';
  projectIds?: string[];
}

export const PASSWORD = 'correct horse battery staple';

export async function createDashboardUser(
  server: { url: string; adminToken: string },
  input: DashboardUserInput,
): Promise<AxiosResponse> {
  return axios.post(
    `${server.url}/api/v1/dashboard/users`,
    { name: 'Wanjiku', role: 'operator', projectIds: [], ...input },
    { headers: { Authorization: `Bearer ${server.adminToken}` }, validateStatus: () => true },
  );
}

export interface BrowserRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  project?: string;
  mode?: 'test' | 'live';
  /** Leave out the CSRF token (or send another one). */
  csrf?: string | false;
  /** The Origin header; the service's own by default, false for none. */
  origin?: string | false;
  headers?: Record<string, string>;
}

export interface DashboardBrowser {
  cookie: string;
  csrfToken: string;
  signIn: AxiosResponse;
  request(req: BrowserRequest): Promise<AxiosResponse>;
}

export async function signIn(
  baseUrl: string,
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<AxiosResponse> {
  return axios.post(
    `${baseUrl}/api/v1/dashboard/session`,
    { email, password },
    { headers: { Origin: baseUrl, ...headers }, validateStatus: () => true },
  );
}

export async function browserFor(
  baseUrl: string,
  email: string,
  password = PASSWORD,
): Promise<DashboardBrowser> {
  const response = await signIn(baseUrl, email, password);
  if (response.status !== 201)
    throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.data)}`);
  const cookie = String(response.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  const csrfToken = (response.data as { csrfToken: string }).csrfToken;
  return {
    cookie,
    csrfToken,
    signIn: response,
    request: (req) =>
      axios.request({
        method: req.method,
        url: `${baseUrl}${req.path}`,
        data: req.body,
        headers: {
          Cookie: cookie,
          ...(req.origin === false ? {} : { Origin: req.origin ?? baseUrl }),
          ...(req.csrf === false ? {} : { 'X-CSRF-Token': req.csrf ?? csrfToken }),
          ...(req.project ? { 'X-Project-Id': req.project } : {}),
          ...(req.mode ? { 'X-Mode': req.mode } : {}),
          ...req.headers,
        },
        validateStatus: () => true,
      }),
  };
}
