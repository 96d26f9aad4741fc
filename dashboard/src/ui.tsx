// Small shared pieces: loading and error states, a copy button, status badges, and a hook that
// loads data and reloads it on demand.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ApiError } from './api';

export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data?: T; error?: unknown; reload: () => void; setData: (value: T) => void } {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ data }),
      (error: unknown) => current && setState({ error }),
    );
    return () => {
      current = false;
    };
  }, [...deps, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { ...state, reload, setData: (data: T) => setState({ data }) };
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text =
    error instanceof ApiError
      ? `${error.message} (${error.code}${error.requestId ? `, request ${error.requestId}` : ''})`
      : String(error);
  return (
    <p class="error" role="alert">
      {text}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Status({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status}</span>;
}

/**
 * Money that disagrees, said beside the status: the amount M-Pesa reported paid differs from
 * the amount asked, or a completed payment's amount paid is not known (an STK Query answer
 * carries none), which is never shown as if it were the amount asked.
 */
export function AmountBadge({
  payment,
}: {
  payment: { status: string; amount: number; amountPaid: number | null; amountMismatch: boolean };
}) {
  if (payment.amountMismatch)
    return (
      <span
        class="badge badge-mismatch"
        title={`Asked KES ${payment.amount}, paid KES ${payment.amountPaid}`}
      >
        amount mismatch
      </span>
    );
  if (payment.status === 'completed' && payment.amountPaid === null)
    return (
      <span class="badge badge-unknown" title="M-Pesa's answer carried no amount">
        amount paid unknown
      </span>
    );
  return null;
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="secondary"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

/** A secret the server shows once: told plainly, with a copy button. */
export function ShownOnce({ label, value }: { label: string; value: string }) {
  return (
    <div class="shown-once" role="status">
      <p>
        <strong>{label}</strong> — shown once: copy it now, it cannot be shown again.
      </p>
      <code class="secret">{value}</code>
      <CopyButton text={value} label="Copy" />
    </div>
  );
}

export function Card({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="card" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}
