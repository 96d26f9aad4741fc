// Helpers for the HTTP edge tests: raw requests (any headers, any bytes), the error-shape
// assertion every refusal shares, the simulator's counters, and a second handle on the
// test server's database to look at what was (not) stored.
import axios, { type AxiosResponse, type RawAxiosRequestHeaders } from 'axios';
import { sign } from '../../src/security/signature';
import type { SimulatorStats } from '../../src/simulator/simulator';
import { freshTimestamp, type ProjectKeys } from './merchant';
import type { TestServer } from './server';

export interface RawRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Sent byte for byte (no JSON encoding). */
  body?: string | Buffer;
  headers?: RawAxiosRequestHeaders;
}

/** One request, nothing added: no signing, no JSON encoding, every status returned. */
export function sendRaw({ method, url, body, headers }: RawRequest): Promise<AxiosResponse> {
  return axios.request({
    method,
    url,
    data: body,
    headers: { 'Content-Type': 'application/json', ...headers },
    validateStatus: () => true,
    transformRequest: (data: unknown) => data,
  });
}

export interface SignedParts {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
}

/** The three signature headers for a request, as the README tells integrators to build them. */
export function signedHeaders(
  keys: Pick<ProjectKeys, 'publicKey' | 'secretKey'>,
  parts: SignedParts,
): Record<string, string> {
  const timestamp = String(
    parts.timestamp ?? freshTimestamp(keys.publicKey, parts.method, parts.path, parts.body ?? ''),
  );
  return {
    'X-Api-Key': keys.publicKey,
    'X-Timestamp': timestamp,
    'X-Signature': sign(keys.secretKey, {
      timestamp,
      method: parts.method,
      path: parts.path,
      body: parts.body ?? '',
    }),
  };
}

export interface ErrorPayload {
  code: string;
  message: string;
  requestId: string;
  details?: Record<string, unknown>;
}

/**
 * Asserts the one error shape: `{ error: { code, message, requestId, details? } }`, with the
 * requestId the response header names and nothing that looks like a stack trace.
 */
export function expectError(response: AxiosResponse, status: number, code: string): ErrorPayload {
  expect({ status: response.status, body: response.data as unknown }).toMatchObject({
    status,
    body: { error: { code } },
  });
  expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
  const body = response.data as { error: ErrorPayload };
  expect(Object.keys(body)).toEqual(['error']);
  const allowed = ['code', 'message', 'requestId', 'details'];
  expect(Object.keys(body.error).filter((key) => !allowed.includes(key))).toEqual([]);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  const requestId = response.headers['x-request-id'] as string | undefined;
  expect(requestId).toEqual(expect.any(String));
  expect(body.error.requestId).toBe(requestId);
  expectNoStackTrace(response.data);
  return body.error;
}

const STACK_LIKE = /\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules|"stack"/;

export function expectNoStackTrace(body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  expect(text).not.toMatch(STACK_LIKE);
}

/** The simulator's own counters (every STK Push and OAuth call it answered). */
export async function simulatorStats(server: TestServer): Promise<SimulatorStats> {
  const response = await axios.get(`${server.url}/simulator/__simulator/stats`);
  return response.data as SimulatorStats;
}

export const adminHeaders = (server: TestServer) => ({ Authorization: `Bearer ${server.adminToken}` });

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
