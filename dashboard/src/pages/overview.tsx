// Overview: one period picked once (today, yesterday, the last 7 or 30 days, or chosen days) and
// everything for it: payments, success rate, amount collected, time from prompt to payment,
// callbacks that never came (settled by query), webhook health; volume and success rate per
// hour or per day as charts; and the failure reasons. Every chart has its numbers beside it
// in text, for screen readers and for copying.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ProjectStats as Stats, ProjectStatsSeries as Series } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { dayBound, formatDuration, formatKes, formatPercent, formatTime, startOfToday } from '../format';
import { Card, ErrorNote, Loading, useLoad } from '../ui';

// Chart.js is already the dashboard's one charting library (the reasons chart); the line parts
// add little to the bundle, and a canvas keeps thousands of hourly bars cheap to draw.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

const DAY_MS = 86_400_000;
/** A Nairobi day as YYYY-MM-DD, `offsetDays` from today. */
const day = (offsetDays: number) =>
  new Date(Date.now() + 3 * 3_600_000 + offsetDays * DAY_MS).toISOString().slice(0, 10);

const PERIODS = {
  today: 'Today',
  yesterday: 'Yesterday',
  week: 'Last 7 days',
  month: 'Last 30 days',
  custom: 'Chosen days',
} as const;
type Period = keyof typeof PERIODS;

/** The window of a period, as the stats routes take it (to: now when left out). */
function windowOf(period: Period, custom: { from: string; to: string }): { from?: string; to?: string } {
  switch (period) {
    case 'today':
      return { from: startOfToday() };
    case 'yesterday':
      return { from: dayBound(day(-1), false), to: dayBound(day(-1), true) };
    case 'week':
      return { from: dayBound(day(-6), false) };
    case 'month':
      return { from: dayBound(day(-29), false) };
    case 'custom':
      return { from: dayBound(custom.from, false), to: dayBound(custom.to, true) };
  }
}

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

const hourLabel = new Intl.DateTimeFormat('en-KE', {
  timeZone: 'Africa/Nairobi',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const dayLabel = new Intl.DateTimeFormat('en-KE', {
  timeZone: 'Africa/Nairobi',
  day: 'numeric',
  month: 'short',
});

/** A bucket's label in Nairobi time: "14:00" (with the day when the window spans several), or "3 Mar". */
function labelsOf(series: Series): string[] {
  const days = new Set(series.points.map((point) => dayLabel.format(new Date(point.start))));
  return series.points.map((point) => {
    const at = new Date(point.start);
    if (series.bucket === 'day') return dayLabel.format(at);
    return days.size > 1 ? `${dayLabel.format(at)} ${hourLabel.format(at)}` : hourLabel.format(at);
  });
}

function useChart(build: (canvas: HTMLCanvasElement) => Chart, deps: unknown[]) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = build(canvas.current);
    return () => chart.destroy();
  }, deps);
  return canvas;
}

function VolumeChart({ series, labels }: { series: Series; labels: string[] }) {
  const canvas = useChart(
    (element) =>
      new Chart(element, {
        type: 'bar',
        data: {
          labels,
          datasets: [
            { label: 'Completed', data: series.points.map((p) => p.completed), backgroundColor: '#0b6b3a' },
            {
              label: 'Not completed',
              data: series.points.map((p) => p.notCompleted),
              backgroundColor: '#b3261e',
            },
            { label: 'Pending', data: series.points.map((p) => p.pending), backgroundColor: '#b08400' },
            { label: 'Reversed', data: series.points.map((p) => p.reversed), backgroundColor: '#5b5b8a' },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: {
            x: { stacked: true, ticks: { autoSkip: true, maxRotation: 0 } },
            y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          },
        },
      }),
    [series],
  );
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={`Payments per ${series.bucket}, as a stacked bar chart`} />
    </div>
  );
}

function RateChart({ series, labels }: { series: Series; labels: string[] }) {
  const canvas = useChart(
    (element) =>
      new Chart(element, {
        type: 'line',
        data: {
          labels,
          datasets: [
            {
              label: 'Success rate (%)',
              // An empty bucket has no rate: a gap, not a fall to zero.
              data: series.points.map((p) =>
                p.successRate === null ? null : Math.round(p.successRate * 1000) / 10,
              ),
              borderColor: '#1a4d8f',
              backgroundColor: '#1a4d8f',
              spanGaps: false,
            },
          ],
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          scales: { x: { ticks: { autoSkip: true, maxRotation: 0 } }, y: { min: 0, max: 100 } },
        },
      }),
    [series],
  );
  return (
    <div class="chart-box">
      <canvas ref={canvas} role="img" aria-label={`Success rate per ${series.bucket}, as a line chart`} />
    </div>
  );
}

function OverTime({ series }: { series: Series }) {
  const labels = labelsOf(series);
  const total = series.points.reduce((sum, point) => sum + point.payments, 0);
  const per = series.bucket === 'hour' ? 'hour' : 'day';
  return (
    <div
      class="over-time"
      data-bucket={series.bucket}
      data-points={series.points.length}
      data-payments={total}
    >
      <figure class="chart">
        <h3>Payments per {per}</h3>
        <VolumeChart series={series} labels={labels} />
      </figure>
      <figure class="chart">
        <h3>Success rate per {per}</h3>
        <RateChart series={series} labels={labels} />
      </figure>
      <details class="chart-numbers">
        <summary>The numbers per {per}</summary>
        <div class="table-scroll" tabIndex={0} role="region" aria-label={`Payments per ${per}`}>
          <table>
            <thead>
              <tr>
                <th scope="col">{per === 'hour' ? 'Hour' : 'Day'}</th>
                <th scope="col">Payments</th>
                <th scope="col">Completed</th>
                <th scope="col">Success rate</th>
                <th scope="col">Collected</th>
              </tr>
            </thead>
            <tbody>
              {series.points.map((point, index) => (
                <tr key={point.start}>
                  <th scope="row">{labels[index]}</th>
                  <td>{point.payments}</td>
                  <td>{point.completed}</td>
                  <td>{formatPercent(point.successRate)}</td>
                  <td>{formatKes(point.amountCollected)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}

function ReasonsChart({ reasons }: { reasons: Stats['failureReasons'] }) {
  const canvas = useChart(
    (element) =>
      new Chart(element, {
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
          plugins: { legend: { display: false }, tooltip: { enabled: true } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      }),
    [reasons],
  );
  if (reasons.length === 0) return <p class="muted">No failed payments in this period.</p>;
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
  const [period, setPeriod] = useState<Period>('today');
  const [custom, setCustom] = useState({ from: day(-6), to: day(0) });
  const window = windowOf(period, custom);
  const key = [scope.projectId, scope.mode, period, period === 'custom' ? custom : null];
  const stats = useLoad(() => api<Stats>('/api/v1/stats', { scope, query: window }), key);
  const series = useLoad(() => api<Series>('/api/v1/stats/series', { scope, query: window }), key);
  return (
    <div>
      <h1>Overview</h1>
      <form class="period" aria-label="Choose the period" onSubmit={(e) => e.preventDefault()}>
        <label for="period">Period</label>
        <select
          id="period"
          value={period}
          onChange={(e) => setPeriod((e.target as HTMLSelectElement).value as Period)}
        >
          {(Object.keys(PERIODS) as Period[]).map((name) => (
            <option key={name} value={name}>
              {PERIODS[name]}
            </option>
          ))}
        </select>
        {period === 'custom' && (
          <>
            <label for="range-from">From</label>
            <input
              id="range-from"
              type="date"
              value={custom.from}
              onChange={(e) => setCustom({ ...custom, from: (e.target as HTMLInputElement).value })}
            />
            <label for="range-to">To</label>
            <input
              id="range-to"
              type="date"
              value={custom.to}
              onChange={(e) => setCustom({ ...custom, to: (e.target as HTMLInputElement).value })}
            />
          </>
        )}
      </form>
      <Card title={PERIODS[period]}>
        <ErrorNote error={stats.error} />
        {stats.data ? <Numbers stats={stats.data} /> : !stats.error && <Loading what="the numbers" />}
      </Card>
      <Card title="Over time">
        <ErrorNote error={series.error} />
        {series.data ? <OverTime series={series.data} /> : !series.error && <Loading what="the charts" />}
      </Card>
      <Card title="Why payments failed">
        {stats.data ? <ReasonsChart reasons={stats.data.failureReasons} /> : <Loading what="the reasons" />}
      </Card>
    </div>
  );
}
