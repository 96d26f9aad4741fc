// A merchant's backend, as a test sees it: creates a project with the admin token, then
// calls the signed API exactly as the README tells integrators to.
import axios, { type AxiosResponse } from 'axios';
import { sign } from '../../src/security/signature';

export interface ProjectKeys {
  projectId: string;
  publicKey: string;
  secretKey: string;
}

export async function createProject(
  baseUrl: string,
  adminToken: string,
  name = 'Test shop',
): Promise<ProjectKeys> {
  const response = await axios.post(
    `${baseUrl}/api/v1/projects`,
    { name },
    { headers: { Authorization: `Bearer ${adminToken}` } },
  );
  const body = response.data as { project: { id: string; publicKey: string }; secretKey: string };
  return { projectId: body.project.id, publicKey: body.project.publicKey, secretKey: body.secretKey };
}

export interface SignedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Sign with these parts instead (to build bad signatures). */
  signWith?: { secretKey?: string; body?: string; path?: string };
}

const lastSecondSigned = new Map<string, number>();

/**
 * Now, in unix seconds, unless this exact content was already signed this second: then the
 * next free second (the service accepts a few minutes either side). Two identical writes in
 * one second would otherwise sign the same and the second be refused as a replay, as the SDK
 * avoids too (sdk/src/http.ts).
 */
export function freshTimestamp(publicKey: string, method: string, path: string, body: string): number {
  const now = Math.floor(Date.now() / 1000);
  const content = `${publicKey}\n${method}\n${path}\n${body}`;
  const last = lastSecondSigned.get(content);
  const seconds = last !== undefined && last >= now ? last + 1 : now;
  lastSecondSigned.set(content, seconds);
  return seconds;
}

export function merchantClient(baseUrl: string, keys: ProjectKeys) {
  return async function request(req: SignedRequest): Promise<AxiosResponse> {
    const raw = req.body === undefined ? '' : JSON.stringify(req.body);
    const timestamp = String(
      req.timestamp ??
        freshTimestamp(keys.publicKey, req.method, req.signWith?.path ?? req.path, req.signWith?.body ?? raw),
    );
    const signature = sign(req.signWith?.secretKey ?? keys.secretKey, {
      timestamp,
      method: req.method,
      path: req.signWith?.path ?? req.path,
      body: req.signWith?.body ?? raw,
    });
    return axios.request({
      method: req.method,
      url: `${baseUrl}${req.path}`,
      data: raw || undefined,
      headers: {
        'Content-Type': 'application/json',
        'X-Api-Key': keys.publicKey,
        'X-Timestamp': timestamp,
        'X-Signature': signature,
        ...req.headers,
      },
      validateStatus: () => true,
      transformRequest: (data: unknown) => data,
    });
  };
}

export type MerchantRequest = ReturnType<typeof merchantClient>;

/** A new project on `server` and a client signing with its keys. */
export async function merchantFor(server: { url: string; adminToken: string }): Promise<MerchantRequest> {
  return merchantClient(server.url, await createProject(server.url, server.adminToken));
}

export const initiateBody = (overrides: Record<string, unknown> = {}) => ({
  phone: '0712345678',
  amount: 10,
  accountReference: 'INV001',
  description: 'Order 1',
  ...overrides,
});
