// M-Pesa accounts as tests need them: bodies for POST /api/v1/mpesa-accounts, a Daraja that
// records what it was sent (the simulator's own router behind a recorder), and test/live keys.
import express from 'express';
import type { CreateMpesaAccountInput } from '@mpesa-bridge/sdk';
import { createLogger } from '../../src/logger';
import { createSimulator } from '../../src/simulator/simulator';
import { callbackTargets } from '../../src/simulator/simulator.callback-targets';
import { staticDirectory, type SimulatorMerchant } from '../../src/simulator/simulator.directory';
import { listenOnLoopback } from './fake-daraja';
import type { ProjectKeys } from './merchant';

export const accountBody = (overrides: Partial<CreateMpesaAccountInput> = {}) => ({
  name: 'Main PayBill',
  environment: 'simulator' as CreateMpesaAccountInput['environment'],
  consumerKey: `ck_${Math.random().toString(36).slice(2, 12)}`,
  consumerSecret: `cs_${Math.random().toString(36).slice(2, 14)}`,
  shortcode: '600100',
  passkey: `passkey-${Math.random().toString(36).slice(2, 14)}`,
  ...overrides,
});

/** The test or live pair of a project created with POST /api/v1/projects. */
export function keysOf(
  created: {
    project: { id: string; keys: Record<'test' | 'live', { publicKey: string }> };
    secretKeys: Record<'test' | 'live', string>;
  },
  mode: 'test' | 'live',
): ProjectKeys {
  return {
    projectId: created.project.id,
    publicKey: created.project.keys[mode].publicKey,
    secretKey: created.secretKeys[mode],
  };
}

export interface RecordingDaraja {
  url: string;
  /** Every STK Push body received, in order. */
  pushes: Array<Record<string, unknown>>;
  /** The bearer token each of those pushes carried, in the same order. */
  pushTokens: string[];
  /** The consumer key of every OAuth call, in order. */
  oauthCalls: string[];
  close(): Promise<void>;
}

/**
 * Daraja as the simulator plays it (same validation, same answers), for the apps and merchants
 * given, with every STK Push body recorded. Stands in for sandbox or production.
 */
export async function startRecordingDaraja(
  apps: ReadonlyArray<{ consumerKey: string; consumerSecret: string }>,
  merchants: Readonly<Record<string, SimulatorMerchant>>,
  /** How long before callbacks and results are posted (default: an hour, so none is). */
  { callbackDelayMs = 3_600_000 }: { callbackDelayMs?: number } = {},
): Promise<RecordingDaraja> {
  const pushes: Array<Record<string, unknown>> = [];
  const pushTokens: string[] = [];
  const oauthCalls: string[] = [];
  const simulator = createSimulator({
    directory: staticDirectory(apps, merchants),
    callbackDelayMs,
    lateCallbackMs: 3_600_000,
    logger: createLogger({ log: { level: 'error', format: 'json' } }, true),
    callbackTargets: callbackTargets([{ origin: 'loopback', pathPrefix: '/' }]),
  });
  const app = express();
  app.get('/oauth/v1/generate', (req, _res, next) => {
    const basic = (req.headers.authorization ?? '').replace(/^Basic /, '');
    oauthCalls.push(Buffer.from(basic, 'base64').toString('utf8').split(':')[0] ?? '');
    next();
  });
  app.post('/mpesa/stkpush/v1/processrequest', express.json(), (req, _res, next) => {
    pushes.push(req.body as Record<string, unknown>);
    pushTokens.push((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    next();
  });
  app.use(simulator.router);
  const server = await listenOnLoopback(app);
  return {
    url: server.url,
    pushes,
    pushTokens,
    oauthCalls,
    close: async () => {
      simulator.stop();
      await server.close();
    },
  };
}
