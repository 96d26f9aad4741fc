// A payment's refunds on its page, and the button that asks for one. A refund gives the whole
// payment back through Daraja's Reversal API; it is only stored here: every refund waits for a
// dashboard user other than the one who asked (four eyes; in live mode an operator), and only
// then is it sent to M-Pesa, once (docs/payouts.md "Refunds"). The session asks through the
// merchant route itself (POST /api/v1/transactions/{id}/refund, CSRF as every dashboard write).
import type { Refund, Transaction } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatKes, formatTime } from '../format';
import { Card, Status } from '../ui';

/** A refund in one of these holds the payment: another is refused until it ends. */
const OPEN = new Set<Refund['status']>(['awaiting_approval', 'submitted', 'unknown']);

const WHAT_NEXT: Record<Refund['status'], string> = {
  awaiting_approval:
    'Waits for approval by another dashboard user than the one who asked (in live mode an operator); nothing is sent to M-Pesa before.',
  submitted: 'Approved and sent to M-Pesa once; its result has not come yet.',
  unknown:
    "M-Pesa's answer is unknown: Transaction Status is asked about the receipt; it is never sent again.",
  succeeded: 'M-Pesa gave the money back.',
  failed: 'Nothing moved.',
};

export function loadRefunds(scope: Scope, transactionId: string) {
  return api<{ data: Refund[] }>('/api/v1/refunds', { scope, query: { transactionId, limit: '20' } });
}

export function RefundsCard({
  scope,
  payment,
  refunds,
  act,
}: {
  scope: Scope;
  payment: Transaction;
  refunds: readonly Refund[];
  act: (label: string, work: () => Promise<unknown>) => Promise<void>;
}) {
  const refundable =
    payment.status === 'completed' &&
    payment.mpesaReceiptNumber !== null &&
    !refunds.some((refund) => OPEN.has(refund.status));
  return (
    <Card title="Refunds">
      {refundable && (
        <p>
          <button
            type="button"
            onClick={() =>
              void act('Refund request', () =>
                api(`/api/v1/transactions/${payment.id}/refund`, { method: 'POST', scope, body: {} }),
              )
            }
          >
            Refund {formatKes(payment.amountPaid ?? payment.amount)}
          </button>{' '}
          <span class="muted">
            The whole payment goes back to the customer once another dashboard user approves it.
          </span>
        </p>
      )}
      {refunds.length === 0 && <p class="muted">No refund asked for.</p>}
      <ul>
        {refunds.map((refund) => (
          <li key={refund.id}>
            <code>{refund.id}</code> {formatKes(refund.amount)} <Status status={refund.status} /> asked by{' '}
            {refund.requestedBy} {formatTime(refund.createdAt)}
            {refund.decidedBy && `, decided by ${refund.decidedBy}`}
            {refund.reversalReceipt && `, reversal ${refund.reversalReceipt}`}
            <br />
            <span class="muted">
              {refund.reason ? `${refund.reason.message} (${refund.reason.code}). ` : ''}
              {WHAT_NEXT[refund.status]}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
