// An account's C2B validation rules, answered locally (issue 19 item 4): which bill references
// it takes (a pattern or a list), which amounts (whole KES between bounds), and that the
// payment is for its own shortcode. Pure. Rejections use Daraja's codes (docs/daraja.md §7).
import type { C2bPayment } from '../payments/c2b.receive';

/** Daraja's validation result codes: accept with "0", refuse with one of these. */
export const C2B_REJECT_CODES = {
  invalidMsisdn: 'C2B00011',
  invalidAccountNumber: 'C2B00012',
  invalidAmount: 'C2B00013',
  invalidKyc: 'C2B00014',
  invalidShortcode: 'C2B00015',
  otherError: 'C2B00016',
} as const;
export type C2bRejectCode = (typeof C2B_REJECT_CODES)[keyof typeof C2B_REJECT_CODES];
export const C2B_REJECT_CODE_LIST = Object.values(C2B_REJECT_CODES) as readonly C2bRejectCode[];

export interface C2bRules {
  /** A regular expression the whole bill reference must match (case-insensitive). */
  billReferencePattern: string | null;
  /** Bill references accepted (case-insensitive, trimmed); null: any. */
  billReferences: string[] | null;
  minAmount: number | null;
  maxAmount: number | null;
}

export type RuleVerdict = { accept: true } | { accept: false; resultCode: C2bRejectCode; reason: string };

/** A bill reference longer than this is not matched against a pattern (and is refused by one). */
const MAX_MATCHED_REFERENCE = 64;

/** The shortcodes a payment to this account may name: its PayBill or Head Office, and its till. */
export interface RuleAccount {
  shortcode: string;
  tillNumber: string | null;
}

export function checkRules(rules: C2bRules, account: RuleAccount, payment: C2bPayment): RuleVerdict {
  const paidTo = payment.details.businessShortCode;
  if (paidTo !== null && paidTo !== account.shortcode && paidTo !== account.tillNumber)
    return reject('invalidShortcode', `BusinessShortCode ${paidTo} is not this account's`);
  if (payment.wholeKes === undefined)
    return reject('invalidAmount', `amount ${payment.details.amountReported} is not whole shillings`);
  if (rules.minAmount !== null && payment.wholeKes < rules.minAmount)
    return reject('invalidAmount', `amount ${payment.wholeKes} is below ${rules.minAmount}`);
  if (rules.maxAmount !== null && payment.wholeKes > rules.maxAmount)
    return reject('invalidAmount', `amount ${payment.wholeKes} is above ${rules.maxAmount}`);
  const reference = (payment.details.billReference ?? '').trim();
  if (rules.billReferences !== null) {
    const wanted = new Set(rules.billReferences.map((item) => item.trim().toLowerCase()));
    if (!wanted.has(reference.toLowerCase()))
      return reject('invalidAccountNumber', `bill reference "${reference}" is not on the account's list`);
  }
  if (rules.billReferencePattern !== null) {
    const matches =
      reference.length <= MAX_MATCHED_REFERENCE &&
      new RegExp(`^(?:${rules.billReferencePattern})$`, 'iu').test(reference);
    if (!matches)
      return reject(
        'invalidAccountNumber',
        `bill reference "${reference}" does not match the account's pattern`,
      );
  }
  return { accept: true };
}

function reject(code: keyof typeof C2B_REJECT_CODES, reason: string): RuleVerdict {
  return { accept: false, resultCode: C2B_REJECT_CODES[code], reason };
}

/**
 * Why a pattern may not be kept: it must compile, be short, and hold no quantified group that
 * is itself quantified ("(a+)+"), the shape that makes a regular expression take exponential
 * time. It runs on what customers type, synchronously, on the validation's clock.
 */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > 200) return 'at most 200 characters';
  try {
    new RegExp(pattern, 'iu');
  } catch {
    return 'a valid regular expression';
  }
  if (/\([^()]*[+*}][^()]*\)\s*[+*{?]/.test(pattern)) return 'without a repeated group that itself repeats';
  return undefined;
}
