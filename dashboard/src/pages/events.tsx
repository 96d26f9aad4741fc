// The events page: every event of the project and mode, newest first (filtered by type), and an
// event's own page with its body, its deliveries and every attempt of each; resend it to every
// endpoint that wants its type, or to one endpoint (the same `POST /api/v1/events/:id/redeliver`
// the API and the payment page use: same webhook-id, same body). New events appear live.
import { useEffect, useState } from 'preact/hooks';
import type { EventDetail, EventRecord, Page, WebhookEventType } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatTime } from '../format';
import { followProject } from '../live';
import { linkTo } from '../main';
import { Card, ErrorNote, Loading, Status, useLoad } from '../ui';
import { EVENT_LABELS } from './webhooks';

const TYPES = Object.keys(EVENT_LABELS) as WebhookEventType[];

export function Events({ scope }: { scope: Scope }) {
  const [type, setType] = useState('');
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const cursor = pages[pages.length - 1];
  const page = useLoad(
    () => api<Page<EventRecord>>('/api/v1/events', { scope, query: { type, cursor, limit: '25' } }),
    [scope.projectId, scope.mode, type, cursor],
  );
  // The first page follows new events as they are recorded; older pages stay as they were read.
  useEffect(
    () => (cursor === undefined ? followProject(scope, { event: () => page.reload() }) : undefined),
    [scope.projectId, scope.mode, cursor],
  );
  return (
    <div>
      <h1>Events</h1>
      <form class="filters" aria-label="Filter events" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label for="events-type">Type</label>
          <select
            id="events-type"
            value={type}
            onChange={(e) => (setPages([undefined]), setType((e.target as HTMLSelectElement).value))}
          >
            <option value="">every type</option>
            {TYPES.map((name) => (
              <option key={name} value={name}>
                {name} ({EVENT_LABELS[name]})
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNote error={page.error} />
      {!page.data && !page.error && <Loading what="events" />}
      {page.data && (
        <>
          <ul class="events" aria-label="Events">
            {page.data.data.length === 0 && <li class="muted">No events yet.</li>}
            {page.data.data.map((event) => (
              <li key={event.id} data-id={event.id}>
                <a href={linkTo(scope, 'events', event.id)}>
                  <code class="type">{event.type}</code>
                  <span class="muted">{EVENT_LABELS[event.type] ?? ''}</span>
                  <span class="about">{event.transactionId ?? ''}</span>
                  <time dateTime={event.createdAt}>{formatTime(event.createdAt)}</time>
                </a>
              </li>
            ))}
          </ul>
          <div class="pager">
            <button
              type="button"
              class="secondary"
              disabled={pages.length === 1}
              onClick={() => setPages(pages.slice(0, -1))}
            >
              Newer
            </button>
            <button
              type="button"
              class="secondary"
              disabled={!page.data.nextCursor}
              onClick={() => setPages([...pages, page.data!.nextCursor!])}
            >
              Older
            </button>
          </div>
        </>
      )}
    </div>
  );
}

export function EventPage({ scope, id }: { scope: Scope; id: string }) {
  const { data, error, reload } = useLoad(
    () => api<EventDetail>(`/api/v1/events/${encodeURIComponent(id)}`, { scope }),
    [scope.projectId, scope.mode, id],
  );
  const [action, setAction] = useState<{ message?: string; error?: unknown }>({});

  const resend = async (endpointId?: string) => {
    const label = endpointId ? `Resend to ${endpointId}` : 'Resend to every endpoint';
    setAction({ message: `${label}…` });
    try {
      const answer = await api<{ deliveries: unknown[] }>(
        `/api/v1/events/${encodeURIComponent(id)}/redeliver`,
        {
          method: 'POST',
          scope,
          body: endpointId ? { endpointId } : {},
        },
      );
      setAction({
        message: `${label}: ${answer.deliveries.length} ${answer.deliveries.length === 1 ? 'delivery' : 'deliveries'} queued`,
      });
      reload();
    } catch (failure) {
      setAction({ error: failure });
    }
  };

  return (
    <div>
      <p>
        <a href={linkTo(scope, 'events')}>← Events</a>
      </p>
      <ErrorNote error={error} />
      {!data && !error && <Loading what="the event" />}
      {data && (
        <>
          <h1>
            <code>{data.event.type}</code>
          </h1>
          <div class="actions">
            <button type="button" onClick={() => void resend()}>
              Resend
            </button>
            <button type="button" class="secondary" onClick={reload}>
              Refresh
            </button>
          </div>
          {action.message && <p role="status">{action.message}</p>}
          <ErrorNote error={action.error} />
          <Card title="Details">
            <dl class="facts">
              <dt>Id (webhook-id)</dt>
              <dd>
                <code>{data.event.id}</code>
              </dd>
              <dt>Happened</dt>
              <dd>{formatTime(data.event.createdAt)}</dd>
              <dt>Payment</dt>
              <dd>
                {data.event.transactionId ? (
                  <a href={linkTo(scope, 'payments', data.event.transactionId)}>
                    <code>{data.event.transactionId}</code>
                  </a>
                ) : (
                  '—'
                )}
              </dd>
            </dl>
            <details class="callback">
              <summary>Body (the webhook's data)</summary>
              <pre tabIndex={0}>{JSON.stringify(data.event.data, null, 2)}</pre>
            </details>
          </Card>
          <Card title="Deliveries">
            {data.deliveries.length === 0 && <p class="muted">No endpoint receives it.</p>}
            <ul class="deliveries">
              {data.deliveries.map((delivery) => (
                <li key={delivery.id} data-delivery={delivery.id}>
                  To <code>{delivery.endpointId}</code>: <Status status={delivery.status} /> after{' '}
                  {delivery.attempts} attempt(s), created {formatTime(delivery.createdAt)}
                  {delivery.nextAttemptAt && <> — next attempt {formatTime(delivery.nextAttemptAt)}</>}{' '}
                  <button type="button" class="secondary" onClick={() => void resend(delivery.endpointId)}>
                    Resend to this endpoint
                  </button>
                  <ul class="attempts">
                    {delivery.attemptLog.map((attempt) => (
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
          </Card>
        </>
      )}
    </div>
  );
}
