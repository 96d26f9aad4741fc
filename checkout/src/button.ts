// The embeddable button: one <script> on the merchant's site, with the project's public key only
// (never a secret). A click on an element with data-mpesa-link="{slug}" (or data-mpesa-session
// and data-mpesa-secret) opens the hosted page in an overlay (an iframe from this service); the
// page reports pending → paid | failed | cancelled | expired with postMessage, which this script
// checks comes from that frame and this service's origin, then passes on as DOM events
// (`mpesa:paid`, …) on the clicked element and to MpesaBridgeCheckout.on(...) handlers.
// The browser event is a convenience: the signed webhook is the record of payment.
type CheckoutEvent = 'pending' | 'paid' | 'failed' | 'cancelled' | 'expired' | 'closed';
interface EventDetail {
  type: CheckoutEvent;
  sessionId?: string;
  transactionId?: string;
  amount?: number;
  mpesaReceiptNumber?: string | null;
}
type Handler = (detail: EventDetail) => void;
type Target = { link: string } | { session: string; clientSecret: string };

const EVENTS: readonly CheckoutEvent[] = ['pending', 'paid', 'failed', 'cancelled', 'expired'];
const script = document.currentScript as HTMLScriptElement | null;
const serviceRoot = new URL('../../', script?.src ?? location.href);
const publicKey = script?.dataset.key ?? '';
const handlers = new Map<CheckoutEvent, Set<Handler>>();
let current:
  | { overlay: HTMLElement; frame: HTMLIFrameElement; trigger?: Element; previousFocus: Element | null }
  | undefined;

function pageUrl(target: Target): string {
  const query = new URLSearchParams({ embed: '1', key: publicKey, origin: location.origin });
  if ('link' in target) return new URL(`l/${encodeURIComponent(target.link)}?${query}`, serviceRoot).href;
  return new URL(`c/${encodeURIComponent(target.session)}?${query}#${target.clientSecret}`, serviceRoot).href;
}

function emit(detail: EventDetail): void {
  for (const handler of handlers.get(detail.type) ?? []) handler(detail);
  const init = { detail, bubbles: true };
  (current?.trigger ?? document).dispatchEvent(new CustomEvent(`mpesa:${detail.type}`, init));
}

function close(): void {
  if (!current) return;
  const { overlay, previousFocus } = current;
  overlay.remove();
  emit({ type: 'closed' });
  current = undefined;
  (previousFocus as HTMLElement | null)?.focus?.();
}

function openCheckout(target: Target, trigger?: Element): void {
  if (!publicKey)
    throw new Error('mpesa-bridge button: the <script> needs data-key="pk_…" (your public key)');
  close();
  const overlay = document.createElement('div');
  overlay.setAttribute('role', 'dialog');
  overlay.setAttribute('aria-modal', 'true');
  overlay.setAttribute('aria-label', 'M-Pesa checkout');
  overlay.style.cssText =
    'position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.55);display:flex;align-items:center;justify-content:center;';
  const frame = document.createElement('iframe');
  frame.title = 'M-Pesa checkout';
  frame.src = pageUrl(target);
  frame.setAttribute('allow', 'clipboard-write');
  frame.style.cssText =
    'width:min(100%,30rem);height:min(100%,44rem);border:0;border-radius:12px;background:#fff;';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = '×';
  button.setAttribute('aria-label', 'Close');
  button.style.cssText =
    'position:absolute;top:8px;right:8px;width:44px;height:44px;border:0;border-radius:22px;background:#fff;color:#1a1a1a;font-size:28px;line-height:1;cursor:pointer;';
  button.addEventListener('click', close);
  overlay.addEventListener('keydown', (event) => event.key === 'Escape' && close());
  overlay.append(frame, button);
  document.body.append(overlay);
  current = { overlay, frame, trigger, previousFocus: document.activeElement };
  frame.focus();
}

window.addEventListener('message', (event: MessageEvent) => {
  // Only the frame this script opened, served by this service, may report a payment.
  if (!current || event.source !== current.frame.contentWindow || event.origin !== serviceRoot.origin) return;
  const data = event.data as Partial<EventDetail> & { source?: string };
  if (data?.source !== 'mpesa-bridge-checkout' || !EVENTS.includes(data.type as CheckoutEvent)) return;
  emit({
    type: data.type as CheckoutEvent,
    sessionId: data.sessionId,
    transactionId: data.transactionId,
    amount: data.amount,
    mpesaReceiptNumber: data.mpesaReceiptNumber,
  });
});

document.addEventListener('click', (event) => {
  const trigger = (event.target as Element | null)?.closest?.('[data-mpesa-link],[data-mpesa-session]');
  if (!trigger) return;
  event.preventDefault();
  const link = trigger.getAttribute('data-mpesa-link');
  const session = trigger.getAttribute('data-mpesa-session');
  if (link) openCheckout({ link }, trigger);
  else if (session)
    openCheckout({ session, clientSecret: trigger.getAttribute('data-mpesa-secret') ?? '' }, trigger);
});

/** The small JS API: MpesaBridgeCheckout.open({ link }), .on('paid', handler), .close(). */
(window as unknown as { MpesaBridgeCheckout: unknown }).MpesaBridgeCheckout = {
  open: (target: Target) => openCheckout(target),
  close,
  on(type: CheckoutEvent, handler: Handler) {
    if (!handlers.has(type)) handlers.set(type, new Set());
    handlers.get(type)!.add(handler);
    return () => handlers.get(type)!.delete(handler);
  },
};
