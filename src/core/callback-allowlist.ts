// Source addresses Safaricom posts STK callbacks from. Safaricom publishes no official page;
// this is the commonly cited list of 12 (196.201.212.69 and .138 observed as real sources)
// plus two seen in mpesakit's list. Refusing a real callback loses a payment outcome, so we
// lean towards including them (docs/daraja.md §5). Override with CALLBACK_ALLOWED_IPS.
export const SAFARICOM_CALLBACK_IPS = [
  '196.201.214.200',
  '196.201.214.206',
  '196.201.213.114',
  '196.201.214.207',
  '196.201.214.208',
  '196.201.213.44',
  '196.201.212.127',
  '196.201.212.138',
  '196.201.212.129',
  '196.201.212.136',
  '196.201.212.74',
  '196.201.212.69',
  '196.201.212.128',
  '196.201.212.132',
] as const;

/** Normalises IPv4-mapped IPv6 (`::ffff:1.2.3.4`) so one list serves both socket families. */
export function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

export function createAllowlist(ips: readonly string[]): (ip: string | undefined) => boolean {
  const allowed = new Set(ips.map(normalizeIp));
  return (ip) => ip !== undefined && allowed.has(normalizeIp(ip));
}
