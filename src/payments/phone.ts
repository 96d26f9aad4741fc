// Kenyan mobile numbers in any common form -> Daraja's wire format, 254 + 9 digits starting
// with 7 or 1 (2541… numbers are real Safaricom lines since 2020; docs/daraja.md §8).
const SEPARATORS = /[\s()-]/g;
const FORMS = [
  /^\+?254([71]\d{8})$/, // +2547…, 2547…, +2541…, 2541…
  /^0([71]\d{8})$/, // 07…, 01…
  /^([71]\d{8})$/, // 7…, 1…
];

/** The normalised MSISDN, or undefined when the input is not a Kenyan mobile number. */
export function normalizeKenyanPhone(input: string): string | undefined {
  const compact = input.replace(SEPARATORS, '');
  for (const form of FORMS) {
    const match = form.exec(compact);
    if (match) return `254${match[1]}`;
  }
  return undefined;
}
