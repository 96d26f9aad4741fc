// Daraja's STK password and timestamp. The timestamp is East Africa Time wall-clock
// (UTC+3, no daylight saving): pushes fail when it is built in another zone (docs/daraja.md §2).
const NAIROBI_OFFSET_MS = 3 * 60 * 60 * 1000;

/** YYYYMMDDHHmmss in Africa/Nairobi time. */
export function nairobiTimestamp(at: Date = new Date()): string {
  const iso = new Date(at.getTime() + NAIROBI_OFFSET_MS).toISOString(); // 2026-11-22T13:04:05.123Z
  return iso.slice(0, 19).replace(/[-T:]/g, '');
}

/** base64(shortcode + passkey + timestamp): the same timestamp must go in the Timestamp field. */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`).toString('base64');
}

/** One timestamp read once, used for both fields, so they can never disagree. */
export function stkCredentials(shortcode: string, passkey: string, at: Date = new Date()) {
  const timestamp = nairobiTimestamp(at);
  return {
    BusinessShortCode: shortcode,
    Password: stkPassword(shortcode, passkey, timestamp),
    Timestamp: timestamp,
  };
}
