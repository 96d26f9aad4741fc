// The project's own M-Pesa accounts: where its payments are collected. The service checks new
// sandbox and production credentials with Daraja before keeping them (mpesa_account_rejected
// when Daraja refuses them).
import type { createHttp } from './http.js';
import type {
  CreateMpesaAccountInput,
  MpesaAccount,
  MpesaAccountCheck,
  UpdateMpesaAccountInput,
} from './account-types.js';

export interface MpesaAccountsApi {
  create(input: CreateMpesaAccountInput): Promise<MpesaAccount>;
  /** This key's mode's accounts, newest first. */
  list(): Promise<MpesaAccount[]>;
  get(id: string): Promise<MpesaAccount>;
  update(id: string, changes: UpdateMpesaAccountInput): Promise<MpesaAccount>;
  /** New payments can no longer use it; payments made through it still reconcile. */
  delete(id: string): Promise<void>;
  /** A live OAuth call with its credentials, and the verdict (never throws for a refusal by Daraja). */
  check(id: string): Promise<MpesaAccountCheck>;
}

const BASE = '/api/v1/mpesa-accounts';

export function createMpesaAccountsApi(request: ReturnType<typeof createHttp>): MpesaAccountsApi {
  const pathOf = (id: string) => `${BASE}/${encodeURIComponent(id)}`;
  return {
    async create(input) {
      // Not retried after a lost answer: a second call adds a second account. The random key lets
      // the service answer a repeat of this very call (sent again after signature_replayed,
      // sdk/src/http.ts) with the account it already added, instead of adding a second one.
      const { body } = await request<{ account: MpesaAccount }>({
        method: 'POST',
        path: BASE,
        body: input,
        headers: { 'Idempotency-Key': globalThis.crypto.randomUUID() },
        retry: 'write',
      });
      return body.account;
    },
    async list() {
      const { body } = await request<{ data: MpesaAccount[] }>({ method: 'GET', path: BASE, retry: 'read' });
      return body.data;
    },
    async get(id) {
      const { body } = await request<{ account: MpesaAccount }>({
        method: 'GET',
        path: pathOf(id),
        retry: 'read',
      });
      return body.account;
    },
    async update(id, changes) {
      const { body } = await request<{ account: MpesaAccount }>({
        method: 'PATCH',
        path: pathOf(id),
        body: changes,
        retry: 'idempotent-write',
      });
      return body.account;
    },
    async delete(id) {
      await request<undefined>({ method: 'DELETE', path: pathOf(id), retry: 'write' });
    },
    async check(id) {
      // Safe to repeat: it only asks Daraja for a token.
      const { body } = await request<MpesaAccountCheck>({
        method: 'POST',
        path: `${pathOf(id)}/check`,
        retry: 'idempotent-write',
      });
      return body;
    },
  };
}
