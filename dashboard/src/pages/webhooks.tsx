// Webhook endpoints of the project and mode: honest health (a delivery failing and retrying
// counts as failing, with its next retry time), recent failures, replay one delivery's event or
// every failed delivery since a time, rotate the secret (shown once), edit (URL, events,
// description, enabled) and delete. An endpoint stays in the mode it was made in: one for the
// other mode is added there.
import { useState } from 'preact/hooks';
import type {
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
  WebhookEventType,
} from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatTime } from '../format';
import { Card, ErrorNote, Loading, ShownOnce, Status, useLoad } from '../ui';

/** Every event type, with how the edit form names it (a type added to the SDK must be named here). */
/** What each event type means, in words (the webhook form and the events page). */
export const EVENT_LABELS: Record<WebhookEventType, string> = {
  'transaction.completed': 'payment completed',
  'transaction.failed': 'payment failed',
  'transaction.cancelled': 'payment cancelled',
  'transaction.expired': 'payment expired',
  'transaction.updated': 'details of a settled payment',
  'transaction.received': 'a payment the customer started (C2B)',
  'transaction.reversed': 'a refund gave a payment back (reversal)',
  'payout.succeeded': 'payout paid',
  'payout.failed': 'payout failed',
  'payout.unknown': 'payout outcome unknown (being asked)',
  'webhook_endpoint.disabled': 'an endpoint disabled',
  'status_query.resolved': 'a Transaction Status query answered',
};

function health(endpoint: WebhookEndpoint): string {
  if (endpoint.health === 'disabled')
    return `disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`;
  if (endpoint.health === 'healthy') return 'healthy';
  const parts = [endpoint.failingSince ? `failing since ${formatTime(endpoint.failingSince)}` : 'failing'];
  if (endpoint.retrying > 0)
    parts.push(
      `${endpoint.retrying} ${endpoint.retrying === 1 ? 'delivery' : 'deliveries'} retrying, next retry ${formatTime(endpoint.nextRetryAt)}`,
    );
  return parts.join(': ');
}

function EditForm({
  scope,
  endpoint,
  onDone,
}: {
  scope: Scope;
  endpoint: WebhookEndpoint;
  onDone: (changed: boolean) => void;
}) {
  const [error, setError] = useState<unknown>();
  const all = endpoint.eventTypes.includes('*');
  const save = async (event: Event) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const chosen = data.getAll('eventTypes').map(String);
    try {
      await api(`/api/v1/webhook-endpoints/${endpoint.id}`, {
        method: 'PATCH',
        scope,
        body: {
          url: String(data.get('url')),
          description: String(data.get('description') ?? '').trim() || null,
          eventTypes: data.get('all') ? ['*'] : chosen,
          enabled: data.get('enabled') === 'on',
        },
      });
      onDone(true);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form class="edit-endpoint" onSubmit={(e) => void save(e)}>
      <label for={`url-${endpoint.id}`}>URL</label>
      <input id={`url-${endpoint.id}`} name="url" type="url" required value={endpoint.url} />
      <label for={`description-${endpoint.id}`}>Description</label>
      <input
        id={`description-${endpoint.id}`}
        name="description"
        maxLength={256}
        value={endpoint.description ?? ''}
      />
      <fieldset>
        <legend>Events</legend>
        <label>
          <input type="checkbox" name="all" checked={all} /> every event, including types added later
        </label>
        {(Object.keys(EVENT_LABELS) as WebhookEventType[]).map((type) => (
          <label key={type}>
            <input
              type="checkbox"
              name="eventTypes"
              value={type}
              checked={!all && endpoint.eventTypes.includes(type)}
            />{' '}
            <code>{type}</code> ({EVENT_LABELS[type]})
          </label>
        ))}
      </fieldset>
      <label>
        <input type="checkbox" name="enabled" checked={endpoint.enabled} /> Enabled
      </label>
      <p class="muted">
        Mode: {scope.mode}. An endpoint keeps the mode it was made in; add one on the{' '}
        {scope.mode === 'test' ? 'live' : 'test'} side for the other.
      </p>
      <div class="actions">
        <button type="submit">Save endpoint</button>
        <button type="button" class="secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
      <ErrorNote error={error} />
    </form>
  );
}

function EndpointCard({
  scope,
  endpoint,
  onChanged,
  mayRotate,
}: {
  scope: Scope;
  endpoint: WebhookEndpoint;
  /** A live signing secret is rotated by operators only (the server refuses a member). */
  mayRotate: boolean;
  onChanged: () => void;
}) {
  const failures = useLoad(
    () =>
      api<{ data: WebhookDelivery[] }>(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, {
        scope,
        query: { status: 'failed', limit: '10' },
      }),
    [endpoint.id, endpoint.failingSince],
  );
  const recent = useLoad(
    () =>
      api<{ data: WebhookDelivery[] }>(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, {
        scope,
        query: { limit: '5' },
      }),
    [endpoint.id, endpoint.failingSince],
  );
  const [secret, setSecret] = useState<string>();
  const [editing, setEditing] = useState(false);
  const [note, setNote] = useState<{ message?: string; error?: unknown }>({});
  const [since, setSince] = useState(() =>
    new Date(Date.now() - 86_400_000 + 3 * 3_600_000).toISOString().slice(0, 16),
  );
  const act = async (label: string, work: () => Promise<unknown>) => {
    setNote({ message: `${label}…` });
    try {
      const result = await work();
      setNote({
        message: `${label}: done${result && typeof result === 'object' && 'redelivered' in result ? ` (${String((result as { redelivered: number }).redelivered)} queued)` : ''}`,
      });
      failures.reload();
      recent.reload();
      onChanged();
    } catch (error) {
      setNote({ error });
    }
  };
  const base = `/api/v1/webhook-endpoints/${endpoint.id}`;
  return (
    <Card title={endpoint.url}>
      <p>
        <span class={`health ${endpoint.health === 'healthy' ? 'ok' : 'bad'}`}>{health(endpoint)}</span>{' '}
        <code>{endpoint.id}</code>
      </p>
      <p class="muted">
        Events: {endpoint.eventTypes.includes('*') ? 'all' : endpoint.eventTypes.join(', ')}
        {endpoint.description ? ` — ${endpoint.description}` : ''}
      </p>
      {editing && (
        <EditForm
          scope={scope}
          endpoint={endpoint}
          onDone={(changed) => {
            setEditing(false);
            if (changed) onChanged();
          }}
        />
      )}
      <div class="actions">
        {!editing && (
          <button type="button" class="secondary" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        <button
          type="button"
          class="secondary"
          onClick={() => {
            if (!confirm(`Delete the endpoint ${endpoint.url}? Nothing more is sent to it.`)) return;
            void act('Delete', () => api(base, { method: 'DELETE', scope }));
          }}
        >
          Delete
        </button>
        <button
          type="button"
          class="secondary"
          onClick={() =>
            void act(endpoint.enabled ? 'Disable' : 'Enable', () =>
              api(base, { method: 'PATCH', scope, body: { enabled: !endpoint.enabled } }),
            )
          }
        >
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
        {mayRotate && (
          <button
            type="button"
            class="secondary"
            onClick={() =>
              void act('Rotate secret', async () => {
                const rotated = await api<WebhookEndpointWithSecret>(`${base}/secret/rotate`, {
                  method: 'POST',
                  scope,
                  body: {},
                });
                setSecret(rotated.secret);
              })
            }
          >
            Rotate secret
          </button>
        )}
      </div>
      {secret && <ShownOnce label="New signing secret" value={secret} />}
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void act('Replay failed', () =>
            api(`${base}/redeliver-failed`, {
              method: 'POST',
              scope,
              body: { since: new Date(`${since}:00+03:00`).toISOString() },
            }),
          );
        }}
      >
        <label for={`since-${endpoint.id}`}>Replay every failed delivery since (Nairobi time)</label>
        <input
          id={`since-${endpoint.id}`}
          type="datetime-local"
          value={since}
          onChange={(e) => setSince((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Replay all failed</button>
      </form>
      {note.message && <p role="status">{note.message}</p>}
      <ErrorNote error={note.error} />
      <h3>Recent deliveries</h3>
      <ErrorNote error={recent.error} />
      {recent.data?.data.length === 0 && <p class="muted">Nothing delivered yet.</p>}
      <ul class="recent">
        {recent.data?.data.map((delivery) => (
          <li key={delivery.id}>
            <Status status={delivery.status} /> {formatTime(delivery.createdAt)}:{' '}
            {delivery.lastStatusCode
              ? `HTTP ${delivery.lastStatusCode}`
              : (delivery.lastError ?? 'no answer yet')}
            , {delivery.attempts} attempt(s)
          </li>
        ))}
      </ul>
      <h3>Recent failures</h3>
      <ErrorNote error={failures.error} />
      {!failures.data && !failures.error && <Loading what="failures" />}
      {failures.data?.data.length === 0 && <p class="muted">No failed deliveries.</p>}
      <ul class="deliveries">
        {failures.data?.data.map((delivery) => (
          <li key={delivery.id}>
            <Status status={delivery.status} /> {formatTime(delivery.createdAt)}:{' '}
            {delivery.lastStatusCode
              ? `HTTP ${delivery.lastStatusCode}`
              : (delivery.lastError ?? 'no answer')}{' '}
            after {delivery.attempts} attempt(s){' '}
            <button
              type="button"
              class="secondary"
              aria-label={`Replay the delivery of ${formatTime(delivery.createdAt)}`}
              onClick={() =>
                void act('Replay', () =>
                  api(`/api/v1/events/${delivery.eventId}/redeliver`, {
                    method: 'POST',
                    scope,
                    body: { endpointId: endpoint.id },
                  }),
                )
              }
            >
              Replay
            </button>
          </li>
        ))}
      </ul>
    </Card>
  );
}

export function Webhooks({ scope, operator }: { scope: Scope; operator: boolean }) {
  const endpoints = useLoad(
    () => api<{ data: WebhookEndpoint[] }>('/api/v1/webhook-endpoints', { scope }),
    [scope.projectId, scope.mode],
  );
  const [created, setCreated] = useState<{ secret?: string; error?: unknown }>({});
  const add = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    try {
      const result = await api<WebhookEndpointWithSecret>('/api/v1/webhook-endpoints', {
        method: 'POST',
        scope,
        body: { url: String(new FormData(form).get('url')) },
      });
      setCreated({ secret: result.secret });
      form.reset();
      endpoints.reload();
    } catch (error) {
      setCreated({ error });
    }
  };
  return (
    <div>
      <h1>Webhooks</h1>
      <form class="inline" onSubmit={(e) => void add(e)}>
        <label for="endpoint-url">New endpoint URL</label>
        <input
          id="endpoint-url"
          name="url"
          type="url"
          required
          placeholder="https://shop.example/webhooks/mpesa"
        />
        <button type="submit">Add endpoint</button>
      </form>
      {created.secret && <ShownOnce label="Signing secret" value={created.secret} />}
      <ErrorNote error={created.error} />
      <ErrorNote error={endpoints.error} />
      {!endpoints.data && !endpoints.error && <Loading what="endpoints" />}
      {endpoints.data?.data.length === 0 && <p class="muted">No endpoints in {scope.mode} mode.</p>}
      {endpoints.data?.data.map((endpoint) => (
        <EndpointCard
          key={endpoint.id}
          scope={scope}
          endpoint={endpoint}
          onChanged={endpoints.reload}
          mayRotate={operator || scope.mode !== 'live'}
        />
      ))}
    </div>
  );
}
