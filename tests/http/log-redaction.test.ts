// No log line carries a callback URL's token. The callback route's own parts (request context,
// access log, the route, the one error handler, the real logger) run on a real port; the one
// stand-in is the callback store, made to fail, because a database failure cannot be provoked
// on demand on both engines.
import http from 'node:http';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import express from 'express';
import winston from 'winston';
import { CALLBACK_PATH, createCallbackRoutes } from '../../src/callbacks/callback.routes';
import type { CallbacksService } from '../../src/callbacks/callback.service';
import { createErrorHandler } from '../../src/http/error-handler';
import { accessLog } from '../../src/http/access-log';
import { createLogger } from '../../src/logger';
import { requestContext } from '../../src/request-context';
import { createKeyring } from '../../src/security/vault';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { postCallback, successCallback } from '../helpers/callbacks';

const secrets = createTransactionSecrets(createKeyring(Buffer.alloc(32, 7)));
const lines: string[] = [];
let server: http.Server;
let baseUrl: string;

beforeAll(async () => {
  const logger = createLogger({ log: { level: 'debug', format: 'json' } });
  logger.clear();
  logger.add(
    new winston.transports.Stream({
      stream: new Writable({
        write: (chunk, _encoding, done) => {
          lines.push(String(chunk));
          done();
        },
      }),
    }),
  );
  const failingStore = {
    // The database driver's message names the statement's values, as drivers do.
    receive: async (incoming: { transactionId?: string }) => {
      throw new Error(
        `insert into CallbackRecord failed for ${CALLBACK_PATH}/${incoming.transactionId}/${secrets.callbackToken(incoming.transactionId ?? '')}`,
      );
    },
    processPending: async () => undefined,
  } as unknown as CallbacksService;
  const app = express();
  app.use(requestContext);
  app.use(accessLog(logger));
  app.use(
    CALLBACK_PATH,
    createCallbackRoutes({
      callbacks: failingStore,
      secrets,
      isAllowedSource: () => true,
      bodyLimitBytes: 65_536,
      logger,
    }),
  );
  app.use(createErrorHandler(logger));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('when storing a callback fails with an unhandled error', () => {
  it('then the 500 is logged with its path and error, and no line carries the URL token', async () => {
    const transactionId = 'txn_0logredaction';
    const token = secrets.callbackToken(transactionId);
    const answer = await postCallback(
      baseUrl,
      `${CALLBACK_PATH}/${transactionId}/${token}`,
      successCallback('ws_CO_1', 10),
    );
    expect(answer.status).toBe(500);

    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'error',
          message: 'unhandled error',
          path: `${CALLBACK_PATH}/…`,
          error: expect.objectContaining({ message: expect.stringContaining('[redacted]') }),
        }),
        expect.objectContaining({ message: 'request', status: 500, path: `${CALLBACK_PATH}/…` }),
      ]),
    );
    expect(lines.filter((line) => line.includes(token))).toEqual([]);
  });
});
