// Payments: filters (status, how it came: a prompt or the menu to a PayBill or till, dates, phone in any form, receipt, account reference), a page at a
// time (cursor), CSV export of the filtered set, and new payments and changes arriving live.
import { useEffect, useState } from 'preact/hooks';
import type { Page, Transaction } from '@mpesa-bridge/sdk/types';
import { api, headersOf, urlOf, type Scope } from '../api';
import { dayBound, formatKes, formatTime } from '../format';
import { followProject } from '../live';
import { linkTo } from '../main';
import { AmountBadge, ErrorNote, Loading, Status } from '../ui';

const STATUSES = ['pending', 'completed', 'failed', 'cancelled', 'expired'];
/** The API's `channel` filter: a prompt we sent, or a walk-in (C2B) payment to a PayBill or till. */
const CHANNELS: Array<[string, string]> = [
  ['stk', 'prompt (STK)'],
  ['paybill', 'PayBill (menu)'],
  ['till', 'till (menu)'],
];

interface Filters {
  status: string;
  channel: string;
  from: string;
  to: string;
  phone: string;
  receipt: string;
  accountReference: string;
}
const EMPTY: Filters = {
  status: '',
  channel: '',
  from: '',
  to: '',
  phone: '',
  receipt: '',
  accountReference: '',
};

function queryOf(filters: Filters): Record<string, string | undefined> {
  return {
    status: filters.status || undefined,
    channel: filters.channel || undefined,
    from: filters.from ? dayBound(filters.from, false) : undefined,
    to: filters.to ? dayBound(filters.to, true) : undefined,
    phone: filters.phone.trim() || undefined,
    receipt: filters.receipt.trim() || undefined,
    accountReference: filters.accountReference.trim() || undefined,
  };
}

const unfiltered = (filters: Filters) => Object.values(filters).every((value) => value === '');

interface Found {
  data: Transaction[];
  matchedAs: string[];
}

const MATCHED: Record<string, string> = {
  id: 'id',
  checkoutRequestId: 'CheckoutRequestID',
  receipt: 'receipt',
  phone: 'phone',
  accountReference: 'account reference',
};

/** The one search box: what it finds replaces the list until it is cleared. */
function SearchBox({ scope, onFound }: { scope: Scope; onFound: (found: Found | undefined) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const find = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    if (text.trim() === '') return onFound(undefined);
    try {
      onFound(
        await api<Found>('/api/v1/transactions/search', { scope, query: { q: text.trim(), limit: '50' } }),
      );
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <>
      <form class="search" role="search" onSubmit={(e) => void find(e)}>
        <label for="search">Find a payment</label>
        <input
          id="search"
          type="search"
          placeholder="Receipt, phone, account reference, id or CheckoutRequestID"
          value={text}
          onInput={(e) => setText((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Find</button>
      </form>
      <ErrorNote error={error} />
    </>
  );
}

export function Payments({ scope }: { scope: Scope }) {
  const [found, setFound] = useState<Found>();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const [result, setResult] = useState<Page<Transaction>>();
  const [error, setError] = useState<unknown>();
  const [live, setLive] = useState(false);
  const [exporting, setExporting] = useState<string>();
  const cursor = pages[pages.length - 1];

  useEffect(() => {
    let current = true;
    setError(undefined);
    api<Page<Transaction>>('/api/v1/transactions', {
      scope,
      query: { ...queryOf(filters), cursor, limit: '25' },
    }).then(
      (value) => current && setResult(value),
      (failure: unknown) => current && setError(failure),
    );
    return () => {
      current = false;
    };
  }, [scope.projectId, scope.mode, filters, cursor]);

  // Live: a change to a shown payment replaces it; a new one appears on the first, unfiltered page.
  useEffect(
    () =>
      followProject(scope, {
        status: setLive,
        transaction: ({ transaction }) =>
          setResult((shown) => {
            if (!shown) return shown;
            const at = shown.data.findIndex((payment) => payment.id === transaction.id);
            if (at >= 0)
              return { ...shown, data: shown.data.map((payment, i) => (i === at ? transaction : payment)) };
            if (cursor === undefined && unfiltered(filters))
              return { ...shown, data: [transaction, ...shown.data].slice(0, 25) };
            return shown;
          }),
      }),
    [scope.projectId, scope.mode, filters, cursor],
  );

  const apply = (event: Event) => {
    event.preventDefault();
    setPages([undefined]);
    setFilters(draft);
  };
  const field = (name: keyof Filters) => ({
    id: `filter-${name}`,
    name,
    value: draft[name],
    onInput: (e: Event) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value }),
  });

  // The export streams from the server; the page reads it as it comes and hands it to the browser as a file.
  const exportCsv = async () => {
    setExporting('Exporting…');
    try {
      const response = await fetch(urlOf('/api/v1/transactions/export', queryOf(filters)), {
        credentials: 'same-origin',
        headers: headersOf({ scope }),
      });
      if (!response.ok) throw new Error(`Export failed: HTTP ${response.status}`);
      const blob = await response.blob();
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `payments-${scope.projectId}-${scope.mode}.csv`;
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
      <h1>
        Payments{' '}
        <span class={`live ${live ? 'on' : ''}`} role="status">
          {live ? 'live' : 'connecting…'}
        </span>
      </h1>
      <SearchBox scope={scope} onFound={setFound} />
      {found && (
        <section aria-label="Search results">
          <p role="status">
            {found.data.length === 0
              ? 'Nothing found.'
              : `${found.data.length} found by ${found.matchedAs.map((kind) => MATCHED[kind] ?? kind).join(' and ')}.`}{' '}
            <button type="button" class="secondary" onClick={() => setFound(undefined)}>
              Back to the list
            </button>
          </p>
          <PaymentList scope={scope} payments={found.data} label="Found payments" />
        </section>
      )}
      <form class="filters" onSubmit={apply} aria-label="Filter payments" hidden={found !== undefined}>
        <div>
          <label for="filter-status">Status</label>
          <select
            {...field('status')}
            onChange={(e) => setDraft({ ...draft, status: (e.target as HTMLSelectElement).value })}
          >
            <option value="">any</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-channel">Channel</label>
          <select
            {...field('channel')}
            onChange={(e) => setDraft({ ...draft, channel: (e.target as HTMLSelectElement).value })}
          >
            <option value="">any</option>
            {CHANNELS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="filter-from">From (day)</label>
          <input type="date" {...field('from')} />
        </div>
        <div>
          <label for="filter-to">To (day)</label>
          <input type="date" {...field('to')} />
        </div>
        <div>
          <label for="filter-phone">Phone</label>
          <input type="tel" placeholder="0712 345 678" {...field('phone')} />
        </div>
        <div>
          <label for="filter-receipt">Receipt</label>
          <input placeholder="TLS8K2B4XY" autocapitalize="characters" {...field('receipt')} />
        </div>
        <div>
          <label for="filter-accountReference">Account reference</label>
          <input placeholder="INV001" {...field('accountReference')} />
        </div>
        <div class="actions">
          <button type="submit">Search</button>
          <button
            type="button"
            class="secondary"
            onClick={() => (setDraft(EMPTY), setPages([undefined]), setFilters(EMPTY))}
          >
            Clear
          </button>
          <button type="button" class="secondary" onClick={() => void exportCsv()}>
            Export CSV
          </button>
        </div>
      </form>
      {exporting && <p role="status">{exporting}</p>}
      <ErrorNote error={error} />
      {!result && !error && <Loading what="payments" />}
      {result && !found && (
        <>
          <PaymentList scope={scope} payments={result.data} label="Payments" />
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
              disabled={!result.nextCursor}
              onClick={() => setPages([...pages, result.nextCursor!])}
            >
              Older
            </button>
          </div>
        </>
      )}
    </div>
  );
}

/** How the payment came: a prompt we sent, or the customer paid the PayBill or till from the menu. */
function channelOf(payment: Transaction): string {
  const key = payment.origin === 'c2b' ? payment.channel : 'stk';
  return CHANNELS.find(([value]) => value === key)?.[1] ?? payment.channel;
}

function PaymentList({ scope, payments, label }: { scope: Scope; payments: Transaction[]; label: string }) {
  return (
    <ul class="payments" aria-label={label}>
      {payments.length === 0 && <li class="muted">No payments match.</li>}
      {payments.map((payment) => (
        <li key={payment.id} data-id={payment.id}>
          <a href={linkTo(scope, 'payments', payment.id)}>
            <span class="amount">{formatKes(payment.amount)}</span>
            <Status status={payment.status} />
            <AmountBadge payment={payment} />
            <span class="phone">{payment.phone}</span>
            <span class="channel">{channelOf(payment)}</span>
            <span class="ref">{payment.accountReference}</span>
            <span class="receipt">{payment.mpesaReceiptNumber ?? ''}</span>
            <time dateTime={payment.createdAt}>{formatTime(payment.createdAt)}</time>
          </a>
        </li>
      ))}
    </ul>
  );
}
