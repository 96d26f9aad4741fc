// One payment: what it is now, its timeline (status changes and who caused them: callback,
// STK Query answer, expiry, refused push), the raw callbacks as Safaricom sent them (phones
// masked by the server), its refunds, its events and every webhook delivery attempt; reconcile,
// refund and resend.
import { useEffect, useState } from 'preact/hooks';
import type {
  EventDetail,
  EventRecord,
  Page,
  Transaction,
  TransactionHistory,
} from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatKes, formatTime } from '../format';
import { followProject } from '../live';
import { linkTo } from '../main';
import { AmountBadge, Card, ErrorNote, Loading, Status, useLoad } from '../ui';
import { loadRefunds, RefundsCard } from './payment-refunds';

async function loadPayment(scope: Scope, id: string) {
  const [{ transaction }, history, events, refunds] = await Promise.all([
    api<{ transaction: Transaction }>(`/api/v1/transactions/${encodeURIComponent(id)}`, { scope }),
    api<TransactionHistory>(`/api/v1/transactions/${encodeURIComponent(id)}/history`, { scope }),
    api<Page<EventRecord>>('/api/v1/events', { scope, query: { transactionId: id, limit: '50' } }),
    loadRefunds(scope, id),
  ]);
  const details = await Promise.all(
    events.data.map((event) => api<EventDetail>(`/api/v1/events/${event.id}`, { scope })),
  );
  return { transaction, history, events: details, refunds: refunds.data };
}

/** What each stored call is, as the payment page names it (the body below it is as sent, phones masked). */
const CALLBACK_KINDS: Record<string, string> = {
  stk: 'STK callback,',
  c2b_confirmation: 'C2B confirmation,',
  c2b_validation: 'C2B validation,',
  c2b_pull: 'Pull Transactions row (its confirmation never arrived), pulled',
};

/** A callback body is JSON text; shown indented when it parses. */
function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function PaymentPage({ scope, id }: { scope: Scope; id: string }) {
  const { data, error, reload } = useLoad(() => loadPayment(scope, id), [scope.projectId, scope.mode, id]);
  const [action, setAction] = useState<{ message?: string; error?: unknown }>({});

  useEffect(
    () =>
      followProject(scope, {
        transaction: ({ transaction }) => transaction.id === id && reload(),
        callback: (callback) => callback.transactionId === id && reload(),
        event: (event) => event.transactionId === id && reload(),
      }),
    [scope.projectId, scope.mode, id],
  );

  const act = async (label: string, work: () => Promise<unknown>) => {
    setAction({ message: `${label}…` });
    try {
      await work();
      setAction({ message: `${label}: done` });
      reload();
    } catch (failure) {
      setAction({ error: failure });
    }
  };

  if (error) {
    return (
      <div>
        <h1>Payment</h1>
        <ErrorNote error={error} />
        <a href={linkTo(scope, 'payments')}>Back to payments</a>
      </div>
    );
  }
  if (!data) return <Loading what="the payment" />;
  const { transaction: t, history, events, refunds } = data;
  return (
    <div>
      <p>
        <a href={linkTo(scope, 'payments')}>← Payments</a>
      </p>
      <h1>
        {formatKes(t.amount)} <Status status={t.status} /> <AmountBadge payment={t} />
      </h1>
      <div class="actions">
        <button
          type="button"
          onClick={() =>
            void act('Reconcile', () =>
              api(`/api/v1/transactions/${t.id}/reconcile`, { method: 'POST', scope }),
            )
          }
        >
          Reconcile now
        </button>
      </div>
      {action.message && <p role="status">{action.message}</p>}
      <ErrorNote error={action.error} />
      <Card title="Details">
        <dl class="facts">
          <dt>Id</dt>
          <dd>
            <code>{t.id}</code>
          </dd>
          <dt>Phone</dt>
          <dd>{t.phone}</dd>
          <dt>Account reference</dt>
          <dd>{t.accountReference}</dd>
          <dt>Receipt</dt>
          <dd>{t.mpesaReceiptNumber ?? '—'}</dd>
          <dt>Amount paid</dt>
          <dd>
            {t.amountPaid !== null
              ? `${formatKes(t.amountPaid)}${t.amountMismatch ? ` — not the ${formatKes(t.amount)} asked` : ''}`
              : t.status === 'completed'
                ? "unknown: M-Pesa's answer carried no amount (settled by STK Query)"
                : '—'}
          </dd>
          <dt>Why not paid</dt>
          <dd>
            {t.failure
              ? `${t.failure.message} (${t.failure.code}${t.failure.resultCode ? `, result ${t.failure.resultCode}` : ''})`
              : '—'}
          </dd>
          <dt>CheckoutRequestID</dt>
          <dd>
            <code>{t.checkoutRequestId ?? '—'}</code>
          </dd>
          <dt>Created</dt>
          <dd>{formatTime(t.createdAt)}</dd>
          <dt>Settled</dt>
          <dd>{formatTime(t.settledAt)}</dd>
        </dl>
      </Card>
      <RefundsCard scope={scope} payment={t} refunds={refunds} act={act} />
      <Card title="Timeline">
        <ol class="timeline">
          {history.statusChanges.map((change, i) => (
            <li key={i}>
              <time dateTime={change.createdAt}>{formatTime(change.createdAt)}</time>{' '}
              {change.fromStatus ?? 'new'} → <Status status={change.toStatus} /> by{' '}
              <strong>{change.source === 'stk_query' ? 'STK Query answer' : change.source}</strong>
              {change.resultCode !== null && (
                <span class="muted">
                  {' '}
                  (result {change.resultCode}: {change.resultDesc})
                </span>
              )}
            </li>
          ))}
        </ol>
      </Card>
      <Card title="Callbacks from Safaricom">
        {history.callbacks.length === 0 && <p class="muted">No callback received (yet).</p>}
        {history.callbacks.map((callback) => (
          <details key={callback.id} open class="callback">
            <summary>
              {CALLBACK_KINDS[callback.kind]} {formatTime(callback.receivedAt)}
              {callback.kind === 'c2b_pull' ? '' : ` from ${callback.sourceIp}`} —{' '}
              {callback.outcome ?? 'not processed'}
            </summary>
            <pre tabIndex={0}>{pretty(callback.body)}</pre>
          </details>
        ))}
      </Card>
      <Card title="Events and webhook deliveries">
        {events.length === 0 && <p class="muted">No events yet.</p>}
        {events.map(({ event, deliveries }) => (
          <div key={event.id} class="event">
            <p>
              <strong>{event.type}</strong> <span class="muted">{formatTime(event.createdAt)}</span>{' '}
              <button
                type="button"
                class="secondary"
                onClick={() =>
                  void act(`Resend ${event.type}`, () =>
                    api(`/api/v1/events/${event.id}/redeliver`, { method: 'POST', scope, body: {} }),
                  )
                }
              >
                Resend
              </button>
            </p>
            {deliveries.length === 0 && <p class="muted">No endpoint receives it.</p>}
            <ul>
              {deliveries.map((delivery) => (
                <li key={delivery.id}>
                  Delivery to <code>{delivery.endpointId}</code>: <Status status={delivery.status} /> after{' '}
                  {delivery.attempts} attempt(s)
                  <ul class="attempts">
                    {(delivery.attemptLog ?? []).map((attempt) => (
                      <li key={attempt.id}>
                        {formatTime(attempt.attemptedAt)}:{' '}
                        {attempt.statusCode === null
                          ? (attempt.error ?? 'no answer')
                          : `HTTP ${attempt.statusCode}`}{' '}
                        in {attempt.latencyMs} ms
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </Card>
    </div>
  );
}
