// A link's reference template: `INV-{n}` becomes INV-1, INV-2, … one number per checkout. The
// result is Daraja's AccountReference, which takes 1–12 printable ASCII characters
// (docs/daraja.md §2), and it is the key a C2B payment's bill reference is matched on, so
// every rendered reference must fit: a template leaves room for REFERENCE_NUMBER_DIGITS digits.
// Pure functions.

export const TEMPLATE_PLACEHOLDER = '{n}';
/** Numbers up to 999999 always fit; a link past them refuses further checkouts (link_used_up). */
export const REFERENCE_NUMBER_DIGITS = 6;
export const MAX_REFERENCE_NUMBER = 10 ** REFERENCE_NUMBER_DIGITS - 1;
export const DEFAULT_TEMPLATE = 'PAY-{n}';
const REFERENCE_MAX = 12;
const PRINTABLE = /^[\x20-\x7E]+$/;

/** Why a template cannot be used, or undefined when it can. */
export function templateProblem(template: string): string | undefined {
  if (!PRINTABLE.test(template)) return 'only printable ASCII characters';
  const placeholders = template.split(TEMPLATE_PLACEHOLDER).length - 1;
  if (placeholders > 1) return `${TEMPLATE_PLACEHOLDER} may appear once`;
  const fixed = template.length - placeholders * TEMPLATE_PLACEHOLDER.length;
  const room = placeholders ? REFERENCE_NUMBER_DIGITS : 0;
  if (fixed + room > REFERENCE_MAX || fixed + placeholders === 0)
    return `it makes references of ${fixed + room} characters; Daraja takes 1 to ${REFERENCE_MAX}`;
  if (template.trim() !== template) return 'no leading or trailing spaces';
  return undefined;
}

/** The reference of checkout number `n` (a template without {n} is the same every time). */
export function renderReference(template: string, n: number): string {
  return template.replace(TEMPLATE_PLACEHOLDER, String(n));
}
