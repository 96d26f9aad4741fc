// Payout batches: a CSV pasted or picked from a file is checked by the service first (the
// preview: every row as read, each bad row's line and fields) and submitted only when no row is
// bad; a batch's page shows its progress live (the project stream's payout events, and a read
// while rows are still going out), its one approval, and an export of the outcome.
import { useEffect, useState } from 'preact/hooks';
import type {
  PayoutBatch,
  PayoutBatchDetail,
  PayoutBatchPreview,
  Page as ApiPage,
} from '@mpesa-bridge/sdk/types';
import { api, ApiError, headersOf, urlOf, type Scope } from '../api';
import { formatKes, formatTime } from '../format';
import { followProject } from '../live';
import { ErrorNote, Loading, Status, useLoad } from '../ui';
import { recipientOf } from './payouts';

const BATCHES = '/api/v1/payout-batches';
/** While rows are still going out, the page reads the batch this often too (events tell of outcomes, not sends). */
const PROGRESS_READ_MS = 2_000;
const EXAMPLE = 'phone,amount,remarks,reference\n0712345678,1500,Salary March,EMP-001\n';

const batchLink = (scope: Scope, id: string) =>
  `#/p/${scope.projectId}/${scope.mode}/payout-batches/${encodeURIComponent(id)}`;

const cell = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function Upload({ scope }: { scope: Scope }) {
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState<PayoutBatchPreview>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const edit = (text: string) => {
    setCsv(text);
    setPreview(undefined);
    setError(undefined);
  };
  const pick = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (file) edit(await file.text());
  };
  const check = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setPreview(
        await api<PayoutBatchPreview>(`${BATCHES}/preview`, { method: 'POST', scope, body: { csv } }),
      );
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  const submit = async () => {
    setBusy(true);
    try {
      const created = await api<PayoutBatchDetail>(BATCHES, { method: 'POST', scope, body: { csv } });
      location.hash = batchLink(scope, created.batch.id);
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };
  const refusedRows =
    error instanceof ApiError && Array.isArray(error.details?.rows)
      ? (error.details.rows as Array<{ line: number; fields: Array<{ field: string; message: string }> }>)
      : [];
  return (
    <section aria-label="New batch">
      <h2>New batch</h2>
      <p class="muted">
        A CSV whose first line names its columns: phone, amount, purpose, remarks, occasion, reference (or
        paybill with accountNumber, or till). Every row is checked before anything is sent; one bad row stops
        the whole batch.
      </p>
      <p>
        <label>
          CSV file{' '}
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => void pick(e.target as HTMLInputElement)}
          />
        </label>
      </p>
      <p>
        <label for="batch-csv">CSV</label>
        <textarea
          id="batch-csv"
          class="csv"
          rows={8}
          placeholder={EXAMPLE}
          value={csv}
          onInput={(e) => edit((e.target as HTMLTextAreaElement).value)}
        />
      </p>
      <div class="actions">
        <button type="button" disabled={busy || csv.trim() === ''} onClick={() => void check()}>
          Check rows
        </button>{' '}
        <button
          type="button"
          disabled={busy || !preview || preview.badRows > 0}
          onClick={() => void submit()}
        >
          Submit batch
        </button>
      </div>
      <ErrorNote error={error} />
      {refusedRows.map((row) => (
        <p class="error" key={row.line}>
          Line {row.line}: {row.fields.map((field) => `${field.field} ${field.message}`).join('; ')}
        </p>
      ))}
      {preview && (
        <>
          <p role="status">
            {preview.rowCount} rows, {preview.badRows} bad; {formatKes(preview.total)} in the good rows
            {preview.approvalRequired ? '; it will wait for one approval by another person' : ''}.
          </p>
          <table aria-label="Preview">
            <thead>
              <tr>
                <th>Line</th>
                <th>To</th>
                <th>Amount</th>
                <th>Remarks</th>
                <th>Reference</th>
                <th>Problem</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => {
                const shown = row.payout ?? row.given ?? {};
                const metadata = (shown.metadata ?? {}) as Record<string, unknown>;
                return (
                  <tr key={row.line} data-line={row.line} class={row.errors.length > 0 ? 'error' : ''}>
                    <td>{row.line}</td>
                    <td>{cell(shown.phone ?? shown.paybill ?? shown.till)}</td>
                    <td>{cell(shown.amount)}</td>
                    <td>{cell(shown.remarks)}</td>
                    <td>{cell(metadata.reference)}</td>
                    <td>{row.errors.map((field) => `${field.field} ${field.message}`).join('; ')}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export function PayoutBatches({ scope }: { scope: Scope }) {
  const page = useLoad(() => api<ApiPage<PayoutBatch>>(BATCHES, { scope }), [scope.projectId, scope.mode]);
  return (
    <div>
      <h1>Payout batches</h1>
      <Upload scope={scope} />
      <h2>Batches</h2>
      <ErrorNote error={page.error} />
      {!page.data && !page.error && <Loading what="batches" />}
      {page.data && (
        <table aria-label="Batches">
          <thead>
            <tr>
              <th>Batch</th>
              <th>Status</th>
              <th>Rows</th>
              <th>Total</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {page.data.data.length === 0 && (
              <tr>
                <td colSpan={5} class="muted">
                  No batches yet.
                </td>
              </tr>
            )}
            {page.data.data.map((batch) => (
              <tr key={batch.id} data-batch={batch.id}>
                <td>
                  <a href={batchLink(scope, batch.id)}>{batch.id}</a>
                </td>
                <td>
                  <Status status={batch.status} />
                </td>
                <td>{batch.rowCount}</td>
                <td>{formatKes(batch.total)}</td>
                <td>{formatTime(batch.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function PayoutBatchPage({ scope, id }: { scope: Scope; id: string }) {
  const detail = useLoad(() => api<PayoutBatchDetail>(`${BATCHES}/${id}`, { scope }), [id]);
  const [note, setNote] = useState<string>();
  const [live, setLive] = useState(false);
  // Live: a payout event naming this batch is a row that settled; read the batch again.
  useEffect(
    () =>
      followProject(scope, {
        status: setLive,
        event: (event) => {
          if (event.type.startsWith('payout.') && event.payload.includes(id)) detail.reload();
        },
      }),
    [scope.projectId, scope.mode, id],
  );
  const batch = detail.data?.batch;
  const going = batch && (batch.status === 'sending' || (batch.counts.submitted ?? 0) > 0);
  useEffect(() => {
    if (!going) return;
    const timer = setInterval(detail.reload, PROGRESS_READ_MS);
    return () => clearInterval(timer);
  }, [going]);
  const decide = async (decision: 'approve' | 'reject') => {
    setNote(undefined);
    try {
      const after = await api<PayoutBatchDetail>(`${BATCHES}/${id}/${decision}`, {
        method: 'POST',
        body: {},
      });
      detail.setData(after);
      setNote(decision === 'approve' ? 'Approved: its rows are going out.' : 'Rejected: nothing was sent.');
    } catch (failure) {
      setNote(
        failure instanceof ApiError && failure.code === 'payout_approval_forbidden'
          ? `Not yours to decide: ${failure.message}`
          : String(failure instanceof Error ? failure.message : failure),
      );
    }
  };
  const exportCsv = async () => {
    const response = await fetch(urlOf(`${BATCHES}/${id}`, { format: 'csv' }), {
      credentials: 'same-origin',
      headers: headersOf({ scope }),
    });
    if (!response.ok) return setNote(`Export failed: HTTP ${response.status}`);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = `${id}.csv`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };
  return (
    <div>
      <p>
        <a href={`#/p/${scope.projectId}/${scope.mode}/payout-batches`}>← Payout batches</a>
      </p>
      <h1>
        Batch {id}{' '}
        <span class={`live ${live ? 'on' : ''}`} role="status">
          {live ? 'live' : 'connecting…'}
        </span>
      </h1>
      <ErrorNote error={detail.error} />
      {note && <p role="status">{note}</p>}
      {!batch && !detail.error && <Loading what="the batch" />}
      {batch && detail.data && (
        <>
          <dl class="details">
            <dt>Status</dt>
            <dd>
              <Status status={batch.status} />
            </dd>
            <dt>Rows</dt>
            <dd aria-label="Progress">
              {batch.rowCount} ({formatKes(batch.total)}):{' '}
              {Object.entries(batch.counts)
                .map(([status, count]) => `${count} ${status}`)
                .join(', ')}
            </dd>
            <dt>Asked by</dt>
            <dd>{batch.requestedBy}</dd>
            <dt>Approval</dt>
            <dd>
              {batch.approval
                ? `${batch.approval.decision ?? 'waiting'}${batch.approval.decidedBy ? ` by ${batch.approval.decidedBy}` : ''}`
                : 'not needed'}
            </dd>
          </dl>
          <div class="actions">
            {batch.status === 'awaiting_approval' && (
              <>
                <button type="button" onClick={() => void decide('approve')}>
                  Approve and send
                </button>{' '}
                <button type="button" class="secondary" onClick={() => void decide('reject')}>
                  Reject
                </button>{' '}
              </>
            )}
            <button type="button" class="secondary" onClick={() => void exportCsv()}>
              Export CSV
            </button>
          </div>
          <table aria-label="Rows">
            <thead>
              <tr>
                <th>Line</th>
                <th>Payout</th>
                <th>Status</th>
                <th>To</th>
                <th>Amount</th>
                <th>Receipt</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {detail.data.rows.map(({ line, payout }) => (
                <tr key={payout.id} data-line={line}>
                  <td>{line}</td>
                  <td>
                    <a href={`#/p/${scope.projectId}/${scope.mode}/payouts/${encodeURIComponent(payout.id)}`}>
                      {payout.id}
                    </a>
                  </td>
                  <td>
                    <Status status={payout.status} />
                  </td>
                  <td>{recipientOf(payout)}</td>
                  <td>{formatKes(payout.amount)}</td>
                  <td>{payout.mpesaReceiptNumber ?? ''}</td>
                  <td>{payout.reason?.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
