// What happened, for in-process listeners: committed payment changes (the Socket.io rooms),
// payments started, committed outbox events and callbacks received (the project stream,
// src/realtime/project-stream.ts). Each is
// published only after the database transaction that made it has committed; each instance
// publishes what it committed itself (the Socket.io adapter carries it to the others).
import { EventEmitter } from 'node:events';
import type { Mode } from './scope';

/** A callback as it arrived, for the people following a project ("did Safaricom call me?"). */
export interface CallbackReceipt {
  /** `cbk_…`; null when the source was refused (nothing was stored). */
  id: string | null;
  projectId: string;
  mode: Mode;
  /** The payment it concerns; null for a C2B validation (no payment exists yet). */
  transactionId: string | null;
  /** What it is: an STK callback (when left out), a C2B confirmation or validation, or a pulled C2B row. */
  kind?: 'stk' | 'c2b_confirmation' | 'c2b_validation' | 'c2b_pull';
  receivedAt: Date;
  sourceIp: string;
  /** false: the source address is not on the allowlist (answered 403, not stored). */
  allowed: boolean;
  /** What it did: applied, enriched, duplicate, orphan, unreadable; `refused` when not allowed. */
  outcome: string;
  /** The body as text, phone numbers masked, cut at 4 KiB; empty when refused. */
  body: string;
}

/**
 * Generic in what it carries so the kernel names no ledger type: the ledger fixes `Row` (a
 * payment) and `Recorded` (an outbox event) in payments/payment.news.ts.
 */
export interface News<Row, Recorded> {
  /** A settlement moved or enriched the payment. */
  publishChanged(row: Row): void;
  onChanged(listener: (row: Row) => void): () => void;
  /** A payment was created, or Daraja answered its push: no change of state, news to its project. */
  publishStarted(row: Row): void;
  onStarted(listener: (row: Row) => void): () => void;
  publishRecorded(event: Recorded): void;
  onRecorded(listener: (event: Recorded) => void): () => void;
  publishCallback(receipt: CallbackReceipt): void;
  onCallback(listener: (receipt: CallbackReceipt) => void): () => void;
}

export function createNews<Row, Recorded>(): News<Row, Recorded> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const on = <T>(name: string, listener: (value: T) => void) => {
    emitter.on(name, listener);
    return () => {
      emitter.off(name, listener);
    };
  };
  return {
    publishChanged: (row) => emitter.emit('changed', row),
    onChanged: (listener) => on('changed', listener),
    publishStarted: (row) => emitter.emit('started', row),
    onStarted: (listener) => on('started', listener),
    publishRecorded: (event) => emitter.emit('recorded', event),
    onRecorded: (listener) => on('recorded', listener),
    publishCallback: (receipt) => emitter.emit('callback', receipt),
    onCallback: (listener) => on('callback', listener),
  };
}
