// Test-mode playground: start a payment for any simulator outcome by name and watch it end,
// live, on the project stream.
import { useEffect, useState } from 'preact/hooks';
import type { MpesaAccount, TestOutcomeInfo, Transaction } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatKes } from '../format';
import { followProject } from '../live';
import { linkTo } from '../main';
import { Card, ErrorNote, Loading, Status, useLoad } from '../ui';

export function Playground({ scope }: { scope: Scope }) {
  const outcomes = useLoad(
    () => api<{ data: TestOutcomeInfo[] }>('/api/v1/test-payments/outcomes', { scope }),
    [scope.projectId, scope.mode],
  );
  const accounts = useLoad(
    () => api<{ data: MpesaAccount[] }>('/api/v1/mpesa-accounts', { scope }),
    [scope.projectId, scope.mode],
  );
  const [account, setAccount] = useState('');
  const [outcome, setOutcome] = useState('paid');
  const [amount, setAmount] = useState('10');
  const [payment, setPayment] = useState<Transaction>();
  const [error, setError] = useState<unknown>();

  useEffect(
    () =>
      followProject(scope, {
        transaction: ({ transaction }) =>
          setPayment((current) => (current && current.id === transaction.id ? transaction : current)),
      }),
    [scope.projectId, scope.mode],
  );

  const start = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setPayment(undefined);
    try {
      const started = await api<{ transaction: Transaction }>('/api/v1/test-payments', {
        method: 'POST',
        scope,
        body: { outcome, amount: Number(amount), ...(account ? { account } : {}) },
      });
      setPayment((current) => current ?? started.transaction);
    } catch (failure) {
      setError(failure);
    }
  };

  if (scope.mode === 'live') return <p>The playground is for test mode: switch to test in the header.</p>;
  return (
    <div>
      <h1>Test-mode playground</h1>
      <Card title="Start a test payment">
        <ErrorNote error={outcomes.error} />
        {!outcomes.data && !outcomes.error && <Loading what="the outcomes" />}
        {outcomes.data && (
          <form class="stack" onSubmit={(e) => void start(e)}>
            <label for="outcome">What the customer does</label>
            <select
              id="outcome"
              value={outcome}
              onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}
            >
              {outcomes.data.data.map((option) => (
                <option key={option.name} value={option.name}>
                  {option.name} — {option.summary}
                </option>
              ))}
            </select>
            <label for="account">Paid to</label>
            <select
              id="account"
              value={account}
              onChange={(e) => setAccount((e.target as HTMLSelectElement).value)}
            >
              <option value="">the default account</option>
              {accounts.data?.data
                .filter((candidate) => candidate.environment === 'simulator' && !candidate.disabledAt)
                .map((candidate) => (
                  <option key={candidate.id} value={candidate.id}>
                    {candidate.name} (
                    {candidate.tillNumber ? `till ${candidate.tillNumber}` : `PayBill ${candidate.shortcode}`}
                    )
                  </option>
                ))}
            </select>
            <label for="amount">Amount (KES)</label>
            <input
              id="amount"
              type="number"
              min={1}
              step={1}
              value={amount}
              onInput={(e) => setAmount((e.target as HTMLInputElement).value)}
            />
            <button type="submit">Start payment</button>
          </form>
        )}
        <ErrorNote error={error} />
      </Card>
      {payment && (
        <Card title="The payment">
          <p class="big" role="status" aria-live="polite">
            {formatKes(payment.amount)} <Status status={payment.status} />{' '}
            {payment.channel === 'till' ? 'to a till' : 'to a PayBill'}{' '}
            {payment.failure
              ? payment.failure.message
              : payment.status === 'completed'
                ? `receipt ${payment.mpesaReceiptNumber ?? '(pending)'}`
                : ''}
          </p>
          <a href={linkTo(scope, 'payments', payment.id)}>Open its page</a>
        </Card>
      )}
    </div>
  );
}
