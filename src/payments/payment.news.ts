// The news the ledger publishes after each commit (core/news.ts), typed with its own rows.
import { createNews, type News } from '../core/news';
import type { NewEvent } from './event.types';
import type { TransactionRow } from './transaction.view';

export type { CallbackReceipt } from '../core/news';
export type TransactionEvents = News<TransactionRow, NewEvent>;
export const createTransactionEvents = (): TransactionEvents => createNews();
