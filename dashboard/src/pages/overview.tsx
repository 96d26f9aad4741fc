// Overview: today and a chosen range, side by side: payments, success rate, amount collected,
// time from prompt to payment, callbacks that never came (settled by query), webhook health,
// and the failure reasons as a chart (with the same numbers in a list, for screen readers).
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ProjectStats as Stats } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { dayBound, formatDuration, formatKes, formatPercent, formatTime, startOfToday } from '../format';
import { Card, ErrorNote, Loading, useLoad } from '../ui';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

const day = (offsetDays: number) =>
  new Date(Date.now() + 3 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

function Numbers({ stats }: { stats: Stats }) {
  const delivered = stats.webhooks.deliveries;
  // Failing and retrying counts as failing: a retry has not succeeded (yet).
  const sent = delivered.succeeded + delivered.failed + delivered.retrying;
  const { failing, enabled, retrying, nextRetryAt } = stats.webhooks;
  return (
    <dl class="numbers">
      <div>
        <dt>Payments</dt>
        <dd>{stats.payments.total.toLocaleString('en-KE')}</dd>
      </div>
      <div>
        <dt>Success rate</dt>
        <dd>{formatPercent(stats.successRate)}</dd>
      </div>
      <div>
        <dt>Collected</dt>
        <dd>{formatKes(stats.amountCollected)}</dd>
      </div>
      <div>
        <dt>Prompt to payment (average)</dt>
        <dd>{formatDuration(stats.promptToPayment.averageMs)}</dd>
      </div>
      <div>
        <dt>Callbacks that never came (settled by query)</dt>
        <dd>{stats.settledByQuery}</dd>
      </div>
      <div>
        <dt>Webhooks delivered</dt>
        <dd>{sent === 0 ? '—' : `${formatPercent(delivered.succeeded / sent)} of ${sent}`}</dd>
      </div>
      <div class={failing > 0 ? 'alarm' : undefined}>
        <dt>Endpoints failing</dt>
        <dd>
          <span class={`health ${failing > 0 ? 'bad' : 'ok'}`}>
            {failing} of {enabled} enabled
          </span>
          {retrying > 0 && (
            <small class="retrying">
              {retrying} {retrying === 1 ? 'delivery' : 'deliveries'} failing and retrying, next retry{' '}
              {formatTime(nextRetryAt)}
            </small>
          )}
        </dd>
      </div>
    </dl>
  );
}

function ReasonsChart({ reasons }: { reasons: Stats['failureReasons'] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current || reasons.length === 0) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: reasons.map((r) => r.code.replace(/_/g, ' ')),
        datasets: [{ label: 'Payments', data: reasons.map((r) => r.count), backgroundColor: '#b3261e' }],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { tooltip: { enabled: true } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    return () => chart.destroy();
  }, [reasons]);
  if (reasons.length === 0) return <p class="muted">No failed payments in this range.</p>;
  return (
    <figure class="chart">
      <div class="chart-box" style={{ height: `${Math.max(120, reasons.length * 36)}px` }}>
        <canvas ref={canvas} role="img" aria-label="Failure reasons, as a bar chart" />
      </div>
      <figcaption>
        <ul>
          {reasons.map((reason) => (
            <li key={reason.code}>
              {reason.message}: <strong>{reason.count}</strong>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

export function Overview({ scope }: { scope: Scope }) {
  const [range, setRange] = useState({ from: day(-6), to: day(0) });
  const today = useLoad(
    () => api<Stats>('/api/v1/stats', { scope, query: { from: startOfToday() } }),
    [scope.projectId, scope.mode],
  );
  const ranged = useLoad(
    () =>
      api<Stats>('/api/v1/stats', {
        scope,
        query: { from: dayBound(range.from, false), to: dayBound(range.to, true) },
      }),
    [scope.projectId, scope.mode, range],
  );
  return (
    <div>
      <h1>Overview</h1>
      <div class="grid">
        <Card title="Today">
          <ErrorNote error={today.error} />
          {today.data ? <Numbers stats={today.data} /> : !today.error && <Loading what="today" />}
        </Card>
        <Card title="Range">
          <form class="range" onSubmit={(e) => e.preventDefault()}>
            <label for="range-from">From</label>
            <input
              id="range-from"
              type="date"
              value={range.from}
              onChange={(e) => setRange({ ...range, from: (e.target as HTMLInputElement).value })}
            />
            <label for="range-to">To</label>
            <input
              id="range-to"
              type="date"
              value={range.to}
              onChange={(e) => setRange({ ...range, to: (e.target as HTMLInputElement).value })}
            />
          </form>
          <ErrorNote error={ranged.error} />
          {ranged.data ? <Numbers stats={ranged.data} /> : !ranged.error && <Loading what="the range" />}
        </Card>
      </div>
      <Card title="Why payments failed (range)">
        {ranged.data ? <ReasonsChart reasons={ranged.data.failureReasons} /> : <Loading what="the reasons" />}
      </Card>
    </div>
  );
}
