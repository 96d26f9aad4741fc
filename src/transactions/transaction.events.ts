// Committed state changes, for in-process listeners (the Socket.io rooms). Published only
// after the database transaction that made the change has committed.
import { EventEmitter } from 'node:events';
import type { TransactionRow } from './transaction.view';

export interface TransactionEvents {
  publishChanged(row: TransactionRow): void;
  onChanged(listener: (row: TransactionRow) => void): () => void;
}

export function createTransactionEvents(): TransactionEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publishChanged: (row) => emitter.emit('changed', row),
    onChanged(listener) {
      emitter.on('changed', listener);
      return () => emitter.off('changed', listener);
    },
  };
}
