// A payment link is public, so its page must not become a way to prompt-bomb a stranger's phone
// or to make one address send prompts to many. Every STK Push a public page sends is counted
// per phone (CHECKOUT_PUSHES_PER_PHONE, default 3) and per source address
// (CHECKOUT_PUSHES_PER_ADDRESS, default 30: customers behind one carrier NAT share an address;
// IPv6 by its /64) in CHECKOUT_PUSH_WINDOW (default 10 minutes), over every link and session of
// the deployment. The counts live where every other limit's do (src/security/limiter-store.ts).
// Phones are counted under a keyed hash: the store never holds a phone number.
import { createHmac } from 'node:crypto';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { Limiter, LimiterStore } from '../security/limiter-store';
import { sourceKey } from '../security/failure-limiter';

export interface PushLimits {
  /** Counts one push to `phone` from `address`, or throws rate_limited (nothing counted for the phone when the address is over). */
  take(phone: string, address: string | undefined): Promise<void>;
}

export function createPushLimits(
  store: LimiterStore,
  config: Config['checkout'],
  /** A key of this deployment's, so the hashes of phone numbers cannot be reversed by trying every number. */
  phoneHashKey: Buffer,
): PushLimits {
  const durationSeconds = Math.ceil(config.pushWindowMs / 1000);
  const byAddress = store({
    keyPrefix: 'checkout-push-address',
    points: config.pushesPerAddress,
    durationSeconds,
  });
  const byPhone = store({ keyPrefix: 'checkout-push-phone', points: config.pushesPerPhone, durationSeconds });
  const phoneKey = (phone: string) => createHmac('sha256', phoneHashKey).update(phone).digest('base64url');

  // Counted with `penalty` (what every limiter of the store has): over the allowance, the push
  // is refused and the count stays, as rate-limiter-flexible's consume would leave it.
  const consume = async (limiter: Limiter, key: string, what: 'phone' | 'address', allowed: number) => {
    const counted = await limiter.penalty(key, 1);
    if (counted.consumedPoints <= allowed) return;
    const seconds = Math.max(1, Math.ceil(counted.msBeforeNext / 1000));
    throw new AppError(
      'rate_limited',
      what === 'phone'
        ? `This phone has had ${allowed} payment prompts from checkout pages recently; try again in ${seconds} s`
        : `Too many payment prompts from your network; try again in ${seconds} s`,
      { limit: what, allowed, windowSeconds: durationSeconds, retryAfterSeconds: seconds },
      { 'Retry-After': String(seconds) },
    );
  };

  return {
    // The address first: someone over their own allowance does not use up a stranger's phone's.
    async take(phone, address) {
      await consume(byAddress, sourceKey(address), 'address', config.pushesPerAddress);
      await consume(byPhone, phoneKey(phone), 'phone', config.pushesPerPhone);
    },
  };
}
