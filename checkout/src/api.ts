// The page's calls to the public checkout API (src/checkout/public.routes.ts), relative to where
// the page is served, so a proxy's path prefix works unchanged. Shapes mirror the server's
// public schemas.
export interface ClientTransaction {
  id: string;
  status: 'pending' | 'completed' | 'failed' | 'cancelled' | 'expired';
  amount: number;
  phone: string;
  mpesaReceiptNumber: string | null;
  failure: { code: string; message: string } | null;
  /** Its money was recorded as another payment (docs/c2b.md "One receipt, one payment"): paid, whatever `status` says. */
  paidElsewhere: boolean;
}

export interface PublicLink {
  slug: string;
  merchant: { name: string };
  mode: 'test' | 'live';
  state: 'active' | 'disabled' | 'expired' | 'used_up';
  title: string;
  description: string | null;
  amount: { type: 'fixed' | 'range' | 'open'; value: number | null; min: number; max: number };
  reference: { type: 'numbered' | 'customer'; label: string | null };
  redirectUrl: string | null;
}

export interface PublicSession {
  id: string;
  merchant: { name: string };
  mode: 'test' | 'live';
  state: 'open' | 'pending' | 'paid' | 'expired';
  title: string | null;
  amount: number;
  accountReference: string;
  expiresAt: string;
  successUrl: string | null;
  cancelUrl: string | null;
  linkSlug: string | null;
  payInstead: { payBill: string; accountNumber: string } | null;
  payment: { transaction: ClientTransaction; clientSecret: string } | null;
}

export interface PayAnswer {
  session: PublicSession;
  sessionClientSecret: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The service's root as seen from this page (/l/{slug} and /c/{id} are one level down). */
export const serviceRoot = (): URL => new URL('..', location.href);

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, secret?: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (secret) headers['X-Client-Secret'] = secret;
  let response: Response;
  try {
    response = await fetch(new URL(path, serviceRoot()), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'unreachable');
  }
  const json = (await response.json().catch(() => undefined)) as
    (T & { error?: { code: string; message: string; details?: Record<string, unknown> } }) | undefined;
  if (!response.ok || !json) {
    const error = json?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'unexpected_response',
      error?.message ?? '',
      error?.details,
    );
  }
  return json;
}

const keyQuery = (key: string | null) => (key ? `?key=${encodeURIComponent(key)}` : '');

export const api = {
  link: (slug: string, key: string | null) =>
    call<{ link: PublicLink }>('GET', `api/v1/checkout/links/${slug}${keyQuery(key)}`).then((a) => a.link),
  payLink: (slug: string, body: { phone: string; amount?: number; reference?: string }) =>
    call<PayAnswer>('POST', `api/v1/checkout/links/${slug}/pay`, body),
  session: (id: string, secret: string, key: string | null) =>
    call<{ session: PublicSession }>(
      'GET',
      `api/v1/checkout/sessions/${id}${keyQuery(key)}`,
      undefined,
      secret,
    ).then((a) => a.session),
  paySession: (id: string, secret: string, phone: string) =>
    call<PayAnswer>('POST', `api/v1/checkout/sessions/${id}/pay`, { phone }, secret),
};
