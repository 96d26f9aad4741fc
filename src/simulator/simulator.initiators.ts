// Whether a request's initiator and SecurityCredential open, as M-Pesa checks an API user: the
// credential must decrypt, with the simulator's key, to the password of an initiator of the
// shortcode, else 2001 "The initiator information is invalid."; after LOCK_AFTER_FAILURES
// failures in a row the initiator is locked, 8006, until the simulator restarts. One count per
// initiator, whichever API it called (Transaction Status, B2C): M-Pesa locks the API user.
import type { SimulatorCredentials } from './simulator.credentials';
import type { SimulatorMerchant } from './simulator.directory';

/** Consecutive wrong credentials after which an initiator is locked (8006). */
export const LOCK_AFTER_FAILURES = 3;

export type InitiatorCheck = 'ok' | 'invalid' | 'locked';

export function createInitiatorChecks(credentials: SimulatorCredentials) {
  const failures = new Map<string, number>();
  return {
    check(
      merchant: SimulatorMerchant,
      shortcode: string,
      initiatorName: string,
      securityCredential: string,
    ): InitiatorCheck {
      const key = `${shortcode}\u0000${initiatorName}`;
      const failed = failures.get(key) ?? 0;
      if (failed >= LOCK_AFTER_FAILURES) return 'locked';
      const password = credentials.decrypt(securityCredential);
      const known = (merchant.initiators ?? []).find((initiator) => initiator.name === initiatorName);
      if (known && password !== undefined && password === known.password) {
        failures.delete(key);
        return 'ok';
      }
      failures.set(key, failed + 1);
      return 'invalid';
    },
  };
}

export type InitiatorChecks = ReturnType<typeof createInitiatorChecks>;
