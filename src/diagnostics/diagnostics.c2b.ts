// `doctor`'s C2B check (issue 19 item 1): for each account with C2B, whether Daraja took our
// URLs, and when it refused them, why and what to change. A small pure function over what the
// c2b feature remembers of its registrations (composition passes its `states` in).
import type { Finding } from './diagnostics.schema';

/** What the check reads of an account's C2B (the c2b feature's view has it all). */
export interface C2bState {
  accountId: string;
  name: string;
  enabled: boolean;
  version: string | null;
  responseType: string | null;
  registeredAt: string | null;
  lastError: { code: string; message: string; darajaErrorCode: string | null } | null;
  validation: { enabled: boolean; url: string | null };
}

const CHECK = 'c2b';

function fixFor(state: C2bState, code: string): string {
  const again = `POST /api/v1/mpesa-accounts/${state.accountId}/c2b`;
  if (code === 'c2b_version_mismatch')
    return `Use the C2B version enabled on the Daraja app (developer.safaricom.co.ke, My Apps): ${again} with version ${state.version === 'v1' ? 'v2' : 'v1'}`;
  if (code === 'c2b_urls_already_registered')
    return `Delete the shortcode's C2B URLs on the Daraja portal (URL Management), then ${again}`;
  if (code === 'c2b_url_refused')
    return `Set CALLBACK_BASE_URL to a public https address without the words Daraja refuses, restart, then ${again}`;
  if (code === 'mpesa_credentials_rejected')
    return `Check the account's consumer key and secret (PATCH /api/v1/mpesa-accounts/${state.accountId}), then ${again}`;
  return `Try again: ${again}`;
}

export function c2bFindings(states: readonly C2bState[]): Finding[] {
  return states.map((state) => {
    const which = `${state.name} (${state.accountId})`;
    if (state.lastError) {
      return {
        check: CHECK,
        status: 'fail',
        message: `Daraja refused the C2B URLs of ${which}: ${state.lastError.message}${state.lastError.darajaErrorCode ? ` (${state.lastError.darajaErrorCode})` : ''}`,
        fix: fixFor(state, state.lastError.code),
      };
    }
    if (!state.enabled) {
      return {
        check: CHECK,
        status: 'warn',
        message: `C2B is off for ${which}: confirmations that still arrive are stored as refused, never payments`,
        fix: `Switch it on with POST /api/v1/mpesa-accounts/${state.accountId}/c2b, or delete the URLs on the Daraja portal`,
      };
    }
    const validation = state.validation.enabled
      ? state.validation.url
        ? `; validation asks ${state.validation.url}`
        : '; validation by its rules'
      : '';
    return {
      check: CHECK,
      status: 'ok',
      message: `C2B is on for ${which}: ${state.version}, ResponseType ${state.responseType}, URLs registered with Daraja at ${state.registeredAt}${validation}`,
      fix: null,
    };
  });
}
