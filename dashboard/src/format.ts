// Numbers and times as people in Kenya read them: KES 2,500, and Nairobi time (EAT, UTC+3).
const kes = new Intl.NumberFormat('en-KE', { maximumFractionDigits: 0 });

export const formatKes = (amount: number) => `KES ${kes.format(amount)}`;

const dateTime = new Intl.DateTimeFormat('en-KE', {
  timeZone: 'Africa/Nairobi',
  dateStyle: 'medium',
  timeStyle: 'medium',
});
export const formatTime = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export const formatPercent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** The start of today in Nairobi, as ISO (Kenya has no daylight saving). */
export function startOfToday(now = new Date()): string {
  const local = new Date(now.getTime() + 3 * 3_600_000);
  return new Date(
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - 3 * 3_600_000,
  ).toISOString();
}

/** A date input's value (YYYY-MM-DD, a Nairobi day) as the ISO instant it starts or ends at. */
export function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  return new Date(`${day}T${end ? '23:59:59.999' : '00:00:00.000'}+03:00`).toISOString();
}
