// The embeddable button from a bundle: loads the service's button.js once (with the project's
// public key, never a secret) and hands back its small API. The signed webhook, not these
// browser events, is the record of payment.
export type CheckoutEventType = 'pending' | 'paid' | 'failed' | 'cancelled' | 'expired' | 'closed';

export interface CheckoutEventDetail {
  type: CheckoutEventType;
  sessionId?: string;
  transactionId?: string;
  amount?: number;
  mpesaReceiptNumber?: string | null;
}

export interface CheckoutButton {
  /** Opens the hosted page of a link, or of a session your server created, in an overlay. */
  open(target: { link: string } | { session: string; clientSecret: string }): void;
  close(): void;
  /** Returns a function that removes the handler. */
  on(type: CheckoutEventType, handler: (detail: CheckoutEventDetail) => void): () => void;
}

let loading: Promise<CheckoutButton> | undefined;

export function loadCheckoutButton(options: { baseUrl: string; publicKey: string }): Promise<CheckoutButton> {
  if (!/^pk_(test|live)_/.test(options.publicKey))
    return Promise.reject(
      new TypeError('loadCheckoutButton takes the public key (pk_…), never a secret key'),
    );
  const doc = (globalThis as unknown as { document?: BrowserDocument }).document;
  if (!doc) return Promise.reject(new TypeError('loadCheckoutButton runs in a browser'));
  loading ??= new Promise<CheckoutButton>((resolve, reject) => {
    const script = doc.createElement('script');
    script.src = new URL('checkout/assets/button.js', options.baseUrl.replace(/\/?$/, '/')).href;
    script.dataset.key = options.publicKey;
    script.onload = () =>
      resolve((globalThis as unknown as { MpesaBridgeCheckout: CheckoutButton }).MpesaBridgeCheckout);
    script.onerror = () => {
      loading = undefined;
      reject(new Error(`Could not load ${script.src}`));
    };
    doc.head.append(script);
  });
  return loading;
}

// The little of the DOM used here (the SDK compiles without lib.dom).
interface BrowserScript {
  src: string;
  dataset: Record<string, string>;
  onload: (() => void) | null;
  onerror: (() => void) | null;
}
interface BrowserDocument {
  createElement(tag: 'script'): BrowserScript;
  head: { append(node: BrowserScript): void };
}
