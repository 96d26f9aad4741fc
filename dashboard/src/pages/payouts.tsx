// Money out: the project's payouts (to phones, PayBills and tills), newest first; the approvals
// queue, where a second person approves (and so sends) or rejects what waits; and one payout's
// page with its status history. Approving is this dashboard session's own act: the service
// refuses the user who asked (four eyes) and, in live mode, anyone but an operator, and says so.
import { useState } from 'preact/hooks';
import type { Payout, PayoutHistory } from '@mpesa-bridge/sdk/types';
import { api, ApiError, type Scope } from '../api';
import { formatKes, formatTime } from '../format';
import { ErrorNote, Loading, Status, useLoad } from '../ui';

type PayoutPage = { data: Payout[]; nextCursor: string | null };

/** Who is paid, as a person reads it. */
export const recipientOf = (payout: Payout) =>
  payout.channel === 'b2b_paybill'
    ? `PayBill ${payout.paybill ?? ''}, account ${payout.accountNumber ?? ''}`
    : payout.channel === 'b2b_till'
      ? `Till ${payout.till ?? ''}`
      : (payout.phone ?? '');

const payoutLink = (scope: Scope, id: string) =>
  `#/p/${scope.projectId}/${scope.mode}/payouts/${encodeURIComponent(id)}`;

function ApprovalQueue({ scope, onDecided }: { scope: Scope; onDecided: () => void }) {
  const [version, setVersion] = useState(0);
  const waiting = useLoad(
    () => api<PayoutPage>('/api/v1/payouts', { scope, query: { status: 'awaiting_approval', limit: '100' } }),
    [scope.projectId, scope.mode, version],
  );
  const [note, setNote] = useState<string>();
  const decide = async (payout: Payout, decision: 'approve' | 'reject') => {
    setNote(undefined);
    try {
      const { payout: after } = await api<{ payout: Payout }>(`/api/v1/payouts/${payout.id}/${decision}`, {
        method: 'POST',
        body: {},
      });
      setNote(`${after.id} ${decision === 'approve' ? 'approved and sent' : 'rejected'}: ${after.status}`);
    } catch (failure) {
      setNote(
        failure instanceof ApiError && failure.code === 'payout_approval_forbidden'
          ? `Not yours to decide: ${failure.message}`
          : String(failure instanceof Error ? failure.message : failure),
      );
    }
    setVersion(version + 1);
    onDecided();
  };
  if (!waiting.data) return <ErrorNote error={waiting.error} />;
  return (
    <section aria-label="Approvals">
      <h2>Waiting for approval ({waiting.data.data.length})</h2>
      {waiting.data.data.some((payout) => payout.batch) && (
        <p class="muted">
          Rows of a batch are approved once, with their batch, on its page under{' '}
          <a href={`#/p/${scope.projectId}/${scope.mode}/payout-batches`}>Payout batches</a>.
        </p>
      )}
      {note && <p role="status">{note}</p>}
      {waiting.data.data.length === 0 ? (
        <p class="muted">Nothing waits for a second person.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Payout</th>
              <th>To</th>
              <th>Amount</th>
              <th>Asked by</th>
              <th>Decide</th>
            </tr>
          </thead>
          <tbody>
            {waiting.data.data.map((payout) => (
              <tr key={payout.id} data-payout={payout.id}>
                <td>
                  <a href={payoutLink(scope, payout.id)}>{payout.id}</a>
                </td>
                <td>{recipientOf(payout)}</td>
                <td>{formatKes(payout.amount)}</td>
                <td>{payout.requestedBy}</td>
                <td>
                  {payout.batch ? (
                    <a href={`#/p/${scope.projectId}/${scope.mode}/payout-batches/${payout.batch.id}`}>
                      with batch {payout.batch.id}
                    </a>
                  ) : (
                    <>
                      <button type="button" onClick={() => void decide(payout, 'approve')}>
                        Approve and send
                      </button>{' '}
                      <button type="button" class="secondary" onClick={() => void decide(payout, 'reject')}>
                        Reject
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Payouts({ scope }: { scope: Scope }) {
  const [version, setVersion] = useState(0);
  const [channel, setChannel] = useState('');
  const page = useLoad(
    () => api<PayoutPage>('/api/v1/payouts', { scope, query: { channel, limit: '50' } }),
    [scope.projectId, scope.mode, channel, version],
  );
  return (
    <div>
      <h1>Payouts</h1>
      <p class="muted">
        Money out to phones (B2C) and supplier payments to PayBills and tills (B2B). Each is sent to M-Pesa at
        most once; an unknown one is asked about, never resent.
      </p>
      <ApprovalQueue scope={scope} onDecided={() => setVersion(version + 1)} />
      <h2>All payouts</h2>
      <div class="actions">
        <label>
          To{' '}
          <select
            value={channel}
            onChange={(e) => setChannel((e.target as HTMLSelectElement).value)}
            aria-label="Recipient type"
          >
            <option value="">everyone</option>
            <option value="b2c">phones</option>
            <option value="b2b_paybill">PayBills</option>
            <option value="b2b_till">tills</option>
          </select>
        </label>
      </div>
      <ErrorNote error={page.error} />
      {!page.data && !page.error && <Loading what="payouts" />}
      {page.data && (
        <table aria-label="Payouts">
          <thead>
            <tr>
              <th>Payout</th>
              <th>Status</th>
              <th>To</th>
              <th>Amount</th>
              <th>Why</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {page.data.data.length === 0 && (
              <tr>
                <td colSpan={6} class="muted">
                  No payouts yet.
                </td>
              </tr>
            )}
            {page.data.data.map((payout) => (
              <tr key={payout.id} data-payout={payout.id}>
                <td>
                  <a href={payoutLink(scope, payout.id)}>{payout.id}</a>
                </td>
                <td>
                  <Status status={payout.status} />
                </td>
                <td>{recipientOf(payout)}</td>
                <td>{formatKes(payout.amount)}</td>
                <td>{payout.reason?.message ?? ''}</td>
                <td>{formatTime(payout.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function PayoutPage({ scope, id }: { scope: Scope; id: string }) {
  const payout = useLoad(() => api<{ payout: Payout }>(`/api/v1/payouts/${id}`, { scope }), [id]);
  const history = useLoad(() => api<PayoutHistory>(`/api/v1/payouts/${id}/history`, { scope }), [id]);
  const shown = payout.data?.payout;
  return (
    <div>
      <p>
        <a href={`#/p/${scope.projectId}/${scope.mode}/payouts`}>← Payouts</a>
      </p>
      <h1>Payout {id}</h1>
      <ErrorNote error={payout.error ?? history.error} />
      {!shown && !payout.error && <Loading what="the payout" />}
      {shown && (
        <dl class="details">
          <dt>Status</dt>
          <dd>
            <Status status={shown.status} />
            {shown.reason && <> {shown.reason.message}</>}
          </dd>
          <dt>To</dt>
          <dd>{recipientOf(shown)}</dd>
          <dt>Amount</dt>
          <dd>{formatKes(shown.amount)}</dd>
          <dt>Sent as</dt>
          <dd>{shown.purpose}</dd>
          <dt>From shortcode</dt>
          <dd>{shown.shortcode}</dd>
          <dt>Asked by</dt>
          <dd>{shown.requestedBy}</dd>
          <dt>Approval</dt>
          <dd>
            {shown.approval
              ? `${shown.approval.decision ?? 'waiting'}${shown.approval.decidedBy ? ` by ${shown.approval.decidedBy}` : ''}`
              : 'not needed'}
          </dd>
          <dt>M-Pesa receipt</dt>
          <dd>{shown.mpesaReceiptNumber ?? '—'}</dd>
          <dt>Receiver</dt>
          <dd>{shown.receiverName ?? '—'}</dd>
          <dt>OriginatorConversationID</dt>
          <dd>{shown.originatorConversationId ?? '—'}</dd>
        </dl>
      )}
      {history.data && (
        <>
          <h2>Status history</h2>
          <ol aria-label="Status history">
            {history.data.statusChanges.map((change, index) => (
              <li key={index} data-status={change.toStatus}>
                <time dateTime={change.createdAt}>{formatTime(change.createdAt)}</time>{' '}
                <strong>{change.toStatus}</strong> <span class="muted">({change.source}</span>
                {change.actor && <span class="muted">, {change.actor}</span>}
                {change.resultCode && <span class="muted">, result {change.resultCode}</span>}
                <span class="muted">)</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
