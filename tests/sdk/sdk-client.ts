// An SDK client for a fresh project on a test server: what a merchant backend holds.
import net, { type AddressInfo } from 'node:net';
import {
  createClient,
  MpesaBridgeError,
  type ClientOptions,
  type MpesaBridgeClient,
} from '@mpesa-bridge/sdk';
import { createProject, type ProjectKeys } from '../helpers/merchant';
import type { TestServer } from '../helpers/server';

export async function sdkClientFor(
  server: TestServer,
  options: Partial<ClientOptions> = {},
): Promise<{ client: MpesaBridgeClient; keys: ProjectKeys }> {
  const keys = await createProject(server.url, server.adminToken);
  const client = createClient({
    baseUrl: server.url,
    publicKey: keys.publicKey,
    secretKey: keys.secretKey,
    ...options,
  });
  return { client, keys };
}

/** A port nothing listens on: bind one, note it, close it. */
export async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

export const order = (
  overrides: Partial<{ phone: string; amount: number; accountReference: string }> = {},
) => ({
  phone: '0712345678',
  amount: 10,
  accountReference: 'INV001',
  ...overrides,
});

/** The typed error a call rejects with; fails the test if it resolves or throws anything else. */
export async function rejection(promise: PromiseLike<unknown>): Promise<MpesaBridgeError> {
  const error = await Promise.resolve(promise).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MpesaBridgeError);
  return error as MpesaBridgeError;
}
