// The request log: this project's signed API requests in this mode, newest first, refused ones
// included (a bad signature, a stale timestamp), as Stripe's logs show them. What a developer
// opens when an integration fails: the code says what to fix, the request id finds the line in
// the service log. The server keeps no body or secret and masks phones; keys show as public keys.
import { useState } from 'preact/hooks';
import type { RequestLogEntry, RequestLogPage } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatTime } from '../format';
import { ErrorNote, Loading, useLoad } from '../ui';

const CLASSES = ['2xx', '4xx', '5xx'] as const;
const EMPTY = { status: '', errorCode: '' };

function statusClass(status: number): string {
  return status < 300 ? 'ok' : status < 500 ? 'refused' : 'failed';
}

function Row({ entry }: { entry: RequestLogEntry }) {
  return (
    <li data-request-id={entry.requestId} data-error-code={entry.errorCode ?? ''}>
      <span class={`http http-${statusClass(entry.status)}`}>{entry.status}</span>
      <code class="method">{entry.method}</code>
      <code class="path">{entry.path}</code>
      <span class="code">{entry.errorCode ?? ''}</span>
      <span class="latency">{entry.latencyMs} ms</span>
      <time dateTime={entry.at}>{formatTime(entry.at)}</time>
      <span class="muted ids">
        key <code>{entry.publicKey}</code>, request <code>{entry.requestId}</code>
      </span>
    </li>
  );
}

export function Requests({ scope }: { scope: Scope }) {
  const [draft, setDraft] = useState(EMPTY);
  const [filters, setFilters] = useState(EMPTY);
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const cursor = pages[pages.length - 1];
  const page = useLoad(
    () =>
      api<RequestLogPage>('/api/v1/request-log', {
        scope,
        query: { status: filters.status, errorCode: filters.errorCode.trim(), cursor, limit: '50' },
      }),
    [scope.projectId, scope.mode, filters, cursor],
  );
  return (
    <div>
      <h1>Request log</h1>
      <p class="muted">
        Signed API requests of this project in {scope.mode} mode, refused ones included. Bodies and secrets
        are never kept; phone numbers are masked.
      </p>
      <form
        class="filters"
        aria-label="Filter requests"
        onSubmit={(e) => {
          e.preventDefault();
          setPages([undefined]);
          setFilters({ ...draft });
        }}
      >
        <div>
          <label for="requests-status">Status</label>
          <select
            id="requests-status"
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: (e.target as HTMLSelectElement).value })}
          >
            <option value="">any</option>
            {CLASSES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="requests-code">Error code</label>
          <input
            id="requests-code"
            placeholder="signature_invalid"
            value={draft.errorCode}
            onInput={(e) => setDraft({ ...draft, errorCode: (e.target as HTMLInputElement).value })}
          />
        </div>
        <div class="actions">
          <button type="submit">Filter</button>
          <button
            type="button"
            class="secondary"
            onClick={() => (setDraft(EMPTY), setPages([undefined]), setFilters({ ...EMPTY }))}
          >
            Clear
          </button>
          <button type="button" class="secondary" onClick={page.reload}>
            Refresh
          </button>
        </div>
      </form>
      <ErrorNote error={page.error} />
      {!page.data && !page.error && <Loading what="the request log" />}
      {page.data && (
        <>
          <ul class="requests" aria-label="Requests">
            {page.data.data.length === 0 && <li class="muted">No signed requests match.</li>}
            {page.data.data.map((entry) => (
              <Row key={entry.id} entry={entry} />
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
