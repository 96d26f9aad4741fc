// Payment links of the project and mode (docs/checkout.md): create one, copy its URL, download
// its QR code for printing, switch it off or on, and watch its payments arrive (the project
// stream reloads them as they happen).
import { useEffect, useState } from 'preact/hooks';
import type { CreatePaymentLinkInput, PaymentLink, PaymentLinkPaymentsPage } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatKes, formatTime } from '../format';
import { followProject } from '../live';
import { Card, CopyButton, ErrorNote, Loading, Status, useLoad } from '../ui';

const amountOf = (link: PaymentLink) =>
  link.amountType === 'fixed'
    ? formatKes(link.amount!)
    : link.amountType === 'range'
      ? `${formatKes(link.minAmount!)} – ${formatKes(link.maxAmount!)}`
      : 'Any amount';

/** The QR image from this origin (the dashboard's CSP allows images from itself only). */
const qrPath = (link: PaymentLink, format: 'svg' | 'png') => `/l/${link.slug}/qr?format=${format}`;

function LinkPayments({ scope, link }: { scope: Scope; link: PaymentLink }) {
  const payments = useLoad(
    () =>
      api<PaymentLinkPaymentsPage>(`/api/v1/payment-links/${link.id}/payments`, {
        scope,
        query: { limit: '20' },
      }),
    [link.id],
  );
  // A payment of this project changed: it may be one of this link's.
  useEffect(
    () => followProject(scope, { transaction: () => payments.reload() }),
    [scope.projectId, scope.mode, link.id],
  );
  if (payments.error) return <ErrorNote error={payments.error} />;
  if (!payments.data) return <Loading what="its payments" />;
  if (payments.data.data.length === 0) return <p class="muted">No payments yet.</p>;
  return (
    <table class="link-payments">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Reference</th>
          <th scope="col">Amount</th>
          <th scope="col">Status</th>
          <th scope="col">Receipt</th>
        </tr>
      </thead>
      <tbody>
        {payments.data.data.map((payment) => (
          <tr key={payment.id}>
            <td>{formatTime(payment.createdAt)}</td>
            <td>{payment.accountReference}</td>
            <td>{formatKes(payment.amount)}</td>
            <td>
              <Status status={payment.status} />
            </td>
            <td>{payment.mpesaReceiptNumber ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LinkCard({ scope, link, onChanged }: { scope: Scope; link: PaymentLink; onChanged: () => void }) {
  const [error, setError] = useState<unknown>();
  const toggle = async () => {
    try {
      await api(`/api/v1/payment-links/${link.id}`, {
        method: 'PATCH',
        scope,
        body: { disabled: link.state !== 'disabled' },
      });
      onChanged();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <Card title={link.title}>
      <p>
        <a href={link.url} target="_blank" rel="noopener" class="link-url">
          {link.url}
        </a>{' '}
        <CopyButton text={link.url} label="Copy link" />
      </p>
      <p>
        <Status status={link.state} /> {amountOf(link)} · {link.uses}
        {link.maxUses === null ? '' : ` of ${link.maxUses}`} paid · reference{' '}
        {link.referenceTemplate ?? `typed by the customer (${link.referenceLabel})`}
        {link.expiresAt ? ` · expires ${formatTime(link.expiresAt)}` : ''}
      </p>
      <div class="qr">
        <img src={qrPath(link, 'svg')} alt={`QR code of ${link.url}`} width={160} height={160} />
        <p>
          <a href={`${qrPath(link, 'svg')}&download=1`} download={`${link.slug}.svg`}>
            Download QR (SVG, for print)
          </a>{' '}
          ·{' '}
          <a href={`${qrPath(link, 'png')}&download=1`} download={`${link.slug}.png`}>
            PNG
          </a>
        </p>
      </div>
      <button type="button" class="secondary" onClick={() => void toggle()}>
        {link.state === 'disabled' ? 'Switch on' : 'Switch off'}
      </button>
      <ErrorNote error={error} />
      <h3>Payments</h3>
      <LinkPayments scope={scope} link={link} />
    </Card>
  );
}

function CreateLink({ scope, onCreated }: { scope: Scope; onCreated: () => void }) {
  const [kind, setKind] = useState<'fixed' | 'range' | 'open'>('fixed');
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    const whole = (name: string) => (text(name) === undefined ? undefined : Number(text(name)));
    const body: CreatePaymentLinkInput = {
      title: text('title') ?? '',
      amount: kind === 'fixed' ? whole('amount') : undefined,
      minAmount: kind === 'range' ? whole('minAmount') : undefined,
      maxAmount: kind === 'range' ? whole('maxAmount') : undefined,
      maxUses: whole('maxUses'),
      referenceTemplate: text('referenceTemplate'),
    };
    try {
      await api('/api/v1/payment-links', { method: 'POST', scope, body });
      (event.target as HTMLFormElement).reset();
      setError(undefined);
      onCreated();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <Card title="New payment link">
      <form onSubmit={(event) => void submit(event)} class="link-form">
        <label for="link-title">What is paid for</label>
        <input id="link-title" name="title" required maxLength={80} placeholder="Yoga class" />
        <fieldset>
          <legend>Amount</legend>
          {(['fixed', 'range', 'open'] as const).map((value) => (
            <label key={value} class="inline">
              <input type="radio" name="kind" checked={kind === value} onChange={() => setKind(value)} />{' '}
              {value === 'fixed' ? 'Fixed' : value === 'range' ? 'A range' : 'The customer chooses'}
            </label>
          ))}
        </fieldset>
        {kind === 'fixed' && (
          <>
            <label for="link-amount">Amount (KES)</label>
            <input id="link-amount" name="amount" inputMode="numeric" required />
          </>
        )}
        {kind === 'range' && (
          <>
            <label for="link-min">From (KES)</label>
            <input id="link-min" name="minAmount" inputMode="numeric" required />
            <label for="link-max">To (KES)</label>
            <input id="link-max" name="maxAmount" inputMode="numeric" required />
          </>
        )}
        <label for="link-uses">Paid checkouts it takes (empty: unlimited)</label>
        <input id="link-uses" name="maxUses" inputMode="numeric" />
        <label for="link-reference">
          Reference ({'{n}'} is numbered: INV-{'{n}'} makes INV-1, INV-2, …)
        </label>
        <input id="link-reference" name="referenceTemplate" placeholder="PAY-{n}" maxLength={12} />
        <button type="submit">Create link</button>
        <ErrorNote error={error} />
      </form>
    </Card>
  );
}

export function Links({ scope }: { scope: Scope }) {
  const links = useLoad(
    () => api<{ data: PaymentLink[] }>('/api/v1/payment-links', { scope, query: { limit: '50' } }),
    [scope.projectId, scope.mode],
  );
  return (
    <>
      <h1>Payment links</h1>
      <p class="muted">
        A page anyone can pay by M-Pesa, with no website of your own: share the link, or print its QR code.
        {scope.mode === 'test' ? ' Test links reach the simulator only: no real money moves.' : ''}
      </p>
      <CreateLink scope={scope} onCreated={links.reload} />
      {links.error ? <ErrorNote error={links.error} /> : null}
      {!links.data ? (
        <Loading what="payment links" />
      ) : (
        links.data.data.map((link) => (
          <LinkCard key={link.id} scope={scope} link={link} onChanged={links.reload} />
        ))
      )}
    </>
  );
}
