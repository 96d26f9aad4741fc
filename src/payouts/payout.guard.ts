// The safety checks a payout passes before anything is stored or sent, each a refusal with a
// stable code (docs/payouts.md "Safety settings"): payouts on for the project, the caller's
// address on the allowlist, an account that can pay out (the simulator for a test key), the
// per-payout cap. The daily cap is checked where the payout is stored, under
// the project's lock (payout.service.ts), so two payouts at once cannot both slip under it.
import ipaddr from 'ipaddr.js';
import { AppError } from '../errors';
import type { Scope } from '../core/scope';
import type { PayoutAccount } from '../mpesa/mpesa.account';
import type { Settings } from './payout.settings';

export function requireEnabled(scope: Scope, settings: Settings): void {
  if (!settings.enabled)
    throw new AppError(
      'payouts_disabled',
      `Payouts are off for this project in ${scope.mode} mode; an operator turns them on in its payout settings`,
      { mode: scope.mode },
    );
}

/** Whether `ip` is one of `allowed` (addresses or CIDR ranges); IPv4-mapped IPv6 is read as IPv4. */
export function addressAllowed(ip: string | undefined, allowed: readonly string[]): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  const address = ipaddr.process(ip);
  return allowed.some((entry) => {
    if (!entry.includes('/'))
      return ipaddr.isValid(entry) && ipaddr.process(entry).toString() === address.toString();
    const [range, bits] = ipaddr.parseCIDR(entry);
    return range.kind() === address.kind() && address.match([range, bits] as [typeof address, number]);
  });
}

export function requireAllowedSource(settings: Settings, ip: string | undefined): void {
  if (settings.allowedIps && !addressAllowed(ip, settings.allowedIps))
    throw new AppError(
      'payout_source_forbidden',
      "This address may not ask for payouts: it is not on the project's payout allowlist",
      { sourceIp: ip ?? null },
    );
}

/**
 * A test key's account must be the simulator's. Safaricom's sandbox is test mode too, but a
 * sandbox push once debited a real line (docs/daraja.md §6), so test keys never reach it with
 * money out. (Whether the account has an initiator is found when its client is made.)
 */
export function requirePayoutAccount(scope: Scope, account: PayoutAccount): void {
  if (scope.mode === 'test' && account.environment !== 'simulator')
    throw new AppError(
      'payout_account_unsupported',
      'A test key pays out through the simulator only: name a simulator account, or make one the default',
      { reason: 'test_key_outside_simulator', accountId: account.id, environment: account.environment },
    );
}

export function requireUnderPayoutCap(settings: Settings, amount: number): void {
  if (amount > settings.perPayoutMax)
    throw new AppError(
      'payout_cap_exceeded',
      `KES ${amount} is over this project's per-payout cap of KES ${settings.perPayoutMax}`,
      { cap: 'per_payout', limit: settings.perPayoutMax, amount },
    );
}

export function requireUnderDailyCap(settings: Settings, amount: number, usedToday: number): void {
  if (usedToday + amount > settings.dailyMax)
    throw new AppError(
      'payout_cap_exceeded',
      `KES ${amount} would take today's payouts past this project's daily cap of KES ${settings.dailyMax} (KES ${usedToday} asked so far)`,
      { cap: 'daily', limit: settings.dailyMax, usedToday, amount },
    );
}
