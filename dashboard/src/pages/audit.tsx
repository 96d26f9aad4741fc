// The audit trail, for operators: who did what, when and from where (key rotations, project,
// user, account and endpoint changes, replays, vault re-seals), this project's or everyone's,
// newest first, and all of it as CSV.
import { useState } from 'preact/hooks';
import type { AuditEntry, AuditPage } from '@mpesa-bridge/sdk/types';
import { api, headersOf, urlOf, type Scope } from '../api';
import { formatTime } from '../format';
import { ErrorNote, Loading, useLoad } from '../ui';

function what(entry: AuditEntry): string {
  const details = Object.entries(entry.details)
    .map(([name, value]) => `${name} ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
  return details ? `${entry.action} (${details})` : entry.action;
}

export function Audit({ scope }: { scope: Scope }) {
  const [everyone, setEveryone] = useState(false);
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const cursor = pages[pages.length - 1];
  const filters = everyone ? {} : { projectId: scope.projectId };
  const page = useLoad(
    () => api<AuditPage>('/api/v1/audit', { query: { ...filters, cursor, limit: '50' } }),
    [scope.projectId, everyone, cursor],
  );
  const [exporting, setExporting] = useState<string>();
  const exportCsv = async () => {
    setExporting('Exporting…');
    try {
      const response = await fetch(urlOf('/api/v1/audit/export', filters), {
        credentials: 'same-origin',
        headers: headersOf({}),
      });
      if (!response.ok) throw new Error(`Export failed: HTTP ${response.status}`);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await response.blob());
      link.download = `audit-${everyone ? 'all' : scope.projectId}.csv`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      setExporting(undefined);
    } catch (failure) {
      setExporting(String(failure));
    }
  };
  return (
    <div>
      <h1>Audit trail</h1>
      <div class="actions">
        <label>
          <input
            type="checkbox"
            checked={everyone}
            onChange={(e) => (setEveryone((e.target as HTMLInputElement).checked), setPages([undefined]))}
          />{' '}
          Every project (and users, the vault)
        </label>
        <button type="button" class="secondary" onClick={() => void exportCsv()}>
          Export audit CSV
        </button>
      </div>
      {exporting && <p role="status">{exporting}</p>}
      <ErrorNote error={page.error} />
      {!page.data && !page.error && <Loading what="the audit trail" />}
      {page.data && (
        <>
          <ul class="audit" aria-label="Audit entries">
            {page.data.data.length === 0 && <li class="muted">Nothing recorded yet.</li>}
            {page.data.data.map((entry) => (
              <li key={entry.id} data-action={entry.action}>
                <time dateTime={entry.at}>{formatTime(entry.at)}</time> <strong>{entry.actor.label}</strong>{' '}
                <span class="muted">({entry.actor.kind.replace('_', ' ')})</span>: {what(entry)}
                {entry.targetId && (
                  <>
                    {' '}
                    on <code>{entry.targetId}</code>
                  </>
                )}
                {entry.mode && <> in {entry.mode} mode</>}
                <span class="muted">
                  {' '}
                  from {entry.sourceIp ?? 'unknown'}
                  {entry.requestId ? `, request ${entry.requestId}` : ''}
                </span>
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
