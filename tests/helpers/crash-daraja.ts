// Daraja for the SIGKILL tests of money out (payout, batch, refund): a simulator in the test
// process, so it outlives the killed service and remembers (and counts) what it took, and the
// service's environment on it. Its slow answers come 12 s late and the service waits 15 s, so
// a kill between the Daraja call and its record lands first even on a loaded CI machine (at
// 2.5 s the answer once won).
import { createLogger } from '../../src/logger';
import { startSimulatorServer, type SimulatorServer } from '../../src/simulator/main';
import { callbackTargets } from '../../src/simulator/simulator.callback-targets';
import { staticDirectory } from '../../src/simulator/simulator.directory';
import { childEnv } from './child-service';

export interface CrashAccount {
  app: { consumerKey: string; consumerSecret: string };
  shortcode: string;
  initiator: { name: string; password: string };
}

const PASSKEY = 'crash-passkey';

export function startCrashDaraja(account: CrashAccount): Promise<SimulatorServer> {
  return startSimulatorServer({
    directory: staticDirectory([account.app], {
      [account.shortcode]: { passkey: PASSKEY, tills: [], initiators: [account.initiator] },
    }),
    callbackTargets: callbackTargets([{ origin: 'loopback', pathPrefix: '/api/v1/callbacks/' }]),
    callbackDelayMs: 200,
    lateCallbackMs: 12_000,
    logger: createLogger({ log: { level: 'error', format: 'json' } }, true),
    port: 0,
    host: '127.0.0.1',
  });
}

/** The child service on `simulator` with `account`, its payout recovery quick enough for a test. */
export function crashServiceEnv(
  simulator: SimulatorServer,
  account: CrashAccount,
  overrides: Record<string, string> = {},
) {
  return childEnv({
    MPESA_ENVIRONMENT: 'simulator',
    MPESA_BASE_URL: simulator.url,
    MPESA_CONSUMER_KEY: account.app.consumerKey,
    MPESA_CONSUMER_SECRET: account.app.consumerSecret,
    MPESA_SHORTCODE: account.shortcode,
    MPESA_PASSKEY: PASSKEY,
    MPESA_INITIATOR_NAME: account.initiator.name,
    MPESA_INITIATOR_PASSWORD: account.initiator.password,
    MPESA_TIMEOUT_MS: '15000',
    PAYOUT_RESULT_WAIT: '500ms',
    PAYOUT_STATUS_RETRY_SCHEDULE: '300ms,500ms,1s,1s,2s,2s',
    PAYOUT_RECOVERY_INTERVAL: '100ms',
    ...overrides,
  });
}
