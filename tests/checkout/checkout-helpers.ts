// Checkout as a test sees it: a merchant creating links and sessions with its signed API, and a
// customer's browser calling the public pages' API with no key.
import axios, { type AxiosResponse } from 'axios';
import type { MerchantRequest } from '../helpers/merchant';
import { eventually } from '../helpers/realtime';

/** The simulator's phones (docs/simulator.md). */
export const PHONES = {
  pays: '0712345678',
  cancels: '0700000001',
  wrongPin: '0700000004',
  /** Accepted, and no callback ever: the prompt stays open until the test settles it. */
  silent: '0700000005',
} as const;

export interface LinkView {
  id: string;
  slug: string;
  url: string;
  state: string;
  uses: number;
  mode: string;
  qr: { svg: string; png: string };
}

export async function createLink(
  merchant: MerchantRequest,
  body: Record<string, unknown>,
): Promise<LinkView> {
  const answer = await merchant({ method: 'POST', path: '/api/v1/payment-links', body });
  if (answer.status !== 201)
    throw new Error(`link not created: ${answer.status} ${JSON.stringify(answer.data)}`);
  return answer.data.link as LinkView;
}

/** The public API, as the hosted page calls it. */
export function customer(baseUrl: string, headers: Record<string, string> = {}) {
  const call = (method: 'GET' | 'POST', path: string, body?: unknown, extra: Record<string, string> = {}) =>
    axios.request({
      method,
      url: `${baseUrl}${path}`,
      data: body,
      headers: { ...headers, ...extra },
      validateStatus: () => true,
    });
  return {
    link: (slug: string) => call('GET', `/api/v1/checkout/links/${slug}`),
    payLink: (slug: string, body: Record<string, unknown>) =>
      call('POST', `/api/v1/checkout/links/${slug}/pay`, body),
    session: (id: string, secret?: string) =>
      call('GET', `/api/v1/checkout/sessions/${id}`, undefined, secret ? { 'X-Client-Secret': secret } : {}),
    paySession: (id: string, secret: string, phone: string) =>
      call('POST', `/api/v1/checkout/sessions/${id}/pay`, { phone }, { 'X-Client-Secret': secret }),
  };
}
export type Customer = ReturnType<typeof customer>;

export interface PayAnswer {
  session: {
    id: string;
    state: string;
    amount: number;
    accountReference: string;
    payInstead: { payBill: string; accountNumber: string } | null;
    payment: {
      transaction: { id: string; status: string; mpesaReceiptNumber: string | null };
      clientSecret: string;
    } | null;
  };
  sessionClientSecret: string;
}

export function paid(answer: AxiosResponse): PayAnswer {
  if (answer.status !== 201) throw new Error(`not paid: ${answer.status} ${JSON.stringify(answer.data)}`);
  return answer.data as PayAnswer;
}

/** Reads the session until its state is `state` (the simulator's callback arrives on its own). */
export async function sessionReaches(shopper: Customer, pay: PayAnswer, state: string) {
  const answer = await eventually(
    () => shopper.session(pay.session.id, pay.sessionClientSecret),
    (value) => value.data.session?.state === state,
    10_000,
  );
  expect(answer.data.session.state).toBe(state);
  return answer.data.session as PayAnswer['session'];
}
