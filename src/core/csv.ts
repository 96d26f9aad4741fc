// CSV as spreadsheets read it, for every export (payments, the audit trail).

/**
 * One CSV field (RFC 4180 quoting). A text starting with = + - @ or a control character is
 * prefixed with ' so a spreadsheet shows it instead of running it as a formula (CSV injection;
 * account references and descriptions come from the merchant's customers' orders).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
