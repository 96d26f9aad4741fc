// The hosted checkout page: /l/{slug} (a payment link) or /c/{id}#{clientSecret} (a checkout
// session). It shows the merchant, the amount and a phone field; Pay asks the service to send
// the STK Push; the page then follows the payment live to Paid, cancelled, wrong PIN or timed
// out, each with its next step. Embedded by the button (?embed=1), it reports the same to the
// merchant's page with postMessage. The amount and the reference are the server's to decide.
import {
  api,
  ApiError,
  type ClientTransaction,
  type PayAnswer,
  type PublicLink,
  type PublicSession,
} from './api';
import { h, money } from './dom';
import { followPayment } from './follow';
import { isKenyanMobile, isSettled, outcomeOf } from './outcome';
import { LANGUAGES, preferredLanguage, say, type Language, type StringKey } from './strings';

const LANGUAGE_KEY = 'mpesa-bridge:checkout-language';
const STILL_WAITING_MS = 60_000;
const params = new URLSearchParams(location.search);
const embedded = params.get('embed') === '1';
const publicKey = params.get('key');
/** The merchant's page that embeds this one: the only window told about the payment. */
const parentOrigin = embedded ? safeOrigin(params.get('origin')) : undefined;

interface State {
  language: Language;
  link?: PublicLink;
  session?: PublicSession;
  sessionSecret?: string;
  closed?: StringKey;
  transaction?: ClientTransaction;
  error?: string;
  busy: boolean;
  waitingLong: boolean;
  form: { phone: string; amount: string; reference: string };
}

const state: State = {
  language: chosenLanguage(),
  busy: false,
  waitingLong: false,
  form: { phone: '', amount: '', reference: '' },
};
let stopFollowing: (() => void) | undefined;
let waitingTimer: ReturnType<typeof setTimeout> | undefined;
const t = (key: StringKey, values?: Record<string, string | number>) => say(state.language, key, values);
const app = document.getElementById('app')!;

function chosenLanguage(): Language {
  const saved = safeStorage()?.getItem(LANGUAGE_KEY);
  return saved === 'en' || saved === 'sw'
    ? saved
    : preferredLanguage(navigator.languages ?? [navigator.language]);
}

function safeStorage(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined; // a sandboxed frame without storage
  }
}

function safeOrigin(value: string | null): string | undefined {
  try {
    return value ? new URL(value).origin : undefined;
  } catch {
    return undefined;
  }
}

async function boot(): Promise<void> {
  const [, kind, id] = location.pathname.match(/\/([lc])\/([^/]+)\/?$/) ?? [];
  try {
    if (kind === 'l') {
      state.link = await api.link(id!, publicKey);
      if (state.link.state !== 'active') state.closed = CLOSED_LINK[state.link.state];
      // A reload after Pay: the session this browser started on the link.
      const saved = safeStorage()?.getItem(`mpesa-bridge:link:${id}`);
      if (saved && !state.closed) {
        const { sessionId, secret } = JSON.parse(saved) as { sessionId: string; secret: string };
        await openSession(sessionId, secret).catch(() =>
          safeStorage()?.removeItem(`mpesa-bridge:link:${id}`),
        );
      }
    } else if (kind === 'c') {
      await openSession(id!, decodeURIComponent(location.hash.slice(1)));
    } else state.closed = 'notFound';
  } catch (error) {
    state.closed = error instanceof ApiError && error.status === 404 ? 'notFound' : 'unreachable';
  }
  render();
}

const CLOSED_LINK: Record<Exclude<PublicLink['state'], 'active'>, StringKey> = {
  expired: 'expiredLink',
  used_up: 'usedUpLink',
  disabled: 'disabledLink',
};

async function openSession(id: string, secret: string): Promise<void> {
  const session = await api.session(id, secret, publicKey);
  state.session = session;
  state.sessionSecret = secret;
  if (session.payment) showPayment(session.payment);
  else if (session.state === 'expired') state.closed = 'expiredSession';
}

function showPayment(payment: { transaction: ClientTransaction; clientSecret: string }): void {
  stopFollowing?.();
  state.transaction = payment.transaction;
  notify(payment.transaction);
  armWaiting(payment.transaction);
  if (isSettled(payment.transaction)) return;
  const { id } = state.session!;
  const secret = state.sessionSecret!;
  stopFollowing = followPayment(
    payment,
    async () => (await api.session(id, secret, null)).payment?.transaction,
    (transaction) => {
      state.transaction = transaction;
      notify(transaction);
      armWaiting(transaction);
      render(true);
    },
  );
}

function armWaiting(transaction: ClientTransaction): void {
  clearTimeout(waitingTimer);
  state.waitingLong = false;
  if (!isSettled(transaction))
    waitingTimer = setTimeout(() => ((state.waitingLong = true), render()), STILL_WAITING_MS);
}

let lastEvent = '';
function notify(transaction: ClientTransaction): void {
  const { event } = outcomeOf(transaction);
  const key = `${transaction.id}:${event}`;
  if (!parentOrigin || key === lastEvent) return;
  lastEvent = key;
  window.parent.postMessage(
    {
      source: 'mpesa-bridge-checkout',
      type: event,
      sessionId: state.session?.id,
      transactionId: transaction.id,
      amount: transaction.amount,
      mpesaReceiptNumber: transaction.mpesaReceiptNumber,
    },
    parentOrigin,
  );
}

/** The amount the customer would pay, as far as the page knows it. */
function amountShown(): number | undefined {
  if (state.session) return state.session.amount;
  const rule = state.link?.amount;
  if (rule?.type === 'fixed') return rule.value ?? undefined;
  const typed = Number(state.form.amount);
  return Number.isInteger(typed) && typed > 0 ? typed : undefined;
}

async function pay(event: Event): Promise<void> {
  event.preventDefault();
  if (state.busy) return;
  const problem = formProblem();
  state.error = problem;
  if (problem) return render(true);
  state.busy = true;
  render();
  try {
    let answer: PayAnswer;
    if (state.session && state.sessionSecret)
      answer = await api.paySession(state.session.id, state.sessionSecret, state.form.phone);
    else {
      const link = state.link!;
      answer = await api.payLink(link.slug, {
        phone: state.form.phone,
        amount: link.amount.type === 'fixed' ? undefined : Number(state.form.amount),
        reference: link.reference.type === 'customer' ? state.form.reference.trim() : undefined,
      });
      safeStorage()?.setItem(
        `mpesa-bridge:link:${link.slug}`,
        JSON.stringify({ sessionId: answer.session.id, secret: answer.sessionClientSecret }),
      );
    }
    state.session = answer.session;
    state.sessionSecret = answer.sessionClientSecret;
    if (answer.session.payment) showPayment(answer.session.payment);
  } catch (error) {
    state.error = errorText(error);
  } finally {
    state.busy = false;
  }
  render(true);
}

function formProblem(): string | undefined {
  if (!isKenyanMobile(state.form.phone)) return t('phoneInvalid');
  const link = !state.session ? state.link : undefined;
  if (link && link.amount.type !== 'fixed') {
    const amount = Number(state.form.amount);
    if (!Number.isInteger(amount) || amount < link.amount.min || amount > link.amount.max)
      return t('amountInvalid', { min: money(link.amount.min), max: money(link.amount.max) });
  }
  if (link?.reference.type === 'customer' && !/^[\x20-\x7E]{1,12}$/.test(state.form.reference.trim()))
    return t('referenceInvalid');
  return undefined;
}

function errorText(error: unknown): string {
  if (!(error instanceof ApiError) || error.status === 0) return t('unreachable');
  switch (error.code) {
    case 'rate_limited':
      return t('tooMany', { seconds: Number(error.details.retryAfterSeconds ?? 60) });
    case 'mpesa_subscriber_busy':
    case 'checkout_payment_pending':
      return t('busy');
    case 'mpesa_unavailable':
      return t('mpesaDown');
    case 'payment_link_expired':
      return t('expiredLink');
    case 'payment_link_used_up':
      return t('usedUpLink');
    case 'payment_link_disabled':
      return t('disabledLink');
    case 'checkout_session_expired':
      return t('expiredSession');
    case 'validation_failed': {
      const field = (error.details.fields as Array<{ field: string }> | undefined)?.[0]?.field;
      if (field === 'phone') return t('phoneInvalid');
      if (field === 'amount' && state.link)
        return t('amountInvalid', { min: money(state.link.amount.min), max: money(state.link.amount.max) });
      return t('referenceInvalid');
    }
    default:
      return t('genericError');
  }
}

function tryAgain(): void {
  stopFollowing?.();
  state.transaction = undefined;
  state.error = undefined;
  render(true);
}

function payAnother(): void {
  if (state.link) safeStorage()?.removeItem(`mpesa-bridge:link:${state.link.slug}`);
  state.session = undefined;
  state.sessionSecret = undefined;
  tryAgain();
}

function setLanguage(language: Language): void {
  state.language = language;
  safeStorage()?.setItem(LANGUAGE_KEY, language);
  render();
}

// ---- rendering: the whole card, again, on every change (it is small) ----

function render(moveFocus = false): void {
  document.documentElement.lang = state.language;
  document.title = t('title');
  app.removeAttribute('aria-busy');
  const merchant = state.session?.merchant.name ?? state.link?.merchant.name;
  const mode = state.session?.mode ?? state.link?.mode;
  const parts = [
    h('header', { class: 'top' }, h('p', { class: 'merchant' }, merchant ?? t('title')), languageSwitch()),
    mode === 'test'
      ? h('p', { class: 'test-banner', id: 'test-banner', role: 'note' }, t('testBanner'))
      : null,
    body(),
  ];
  app.replaceChildren(...parts.filter((part): part is HTMLElement => part !== null));
  if (moveFocus) (app.querySelector('[data-focus]') as HTMLElement | null)?.focus();
}

function languageSwitch(): HTMLElement {
  const options = (Object.keys(LANGUAGES) as Language[]).map((language) =>
    h(
      'button',
      {
        type: 'button',
        class: 'lang',
        lang: language,
        'aria-pressed': String(language === state.language),
        onClick: () => setLanguage(language),
      },
      language === 'en' ? 'English' : 'Kiswahili',
    ),
  );
  return h('div', { class: 'langs', role: 'group', 'aria-label': t('language') }, ...options);
}

function body(): HTMLElement {
  if (state.closed)
    return h(
      'section',
      {},
      h('h1', { tabindex: '-1', 'data-focus': true, 'data-status': 'closed' }, t(state.closed)),
    );
  if (!state.link && !state.session) return h('p', { class: 'muted' }, '…');
  if (state.transaction) return statusView(state.transaction);
  return formView();
}

function summary(): HTMLElement[] {
  const title = state.session?.title ?? state.link?.title;
  const amount = amountShown();
  return [
    h('h1', { class: 'title' }, title ?? t('title')),
    !state.session && state.link?.description ? h('p', { class: 'muted' }, state.link.description) : null,
    amount !== undefined ? h('p', { class: 'amount', id: 'amount-due' }, `KES ${money(amount)}`) : null,
    state.session
      ? h('p', { class: 'muted' }, t('referenceIs', { reference: state.session.accountReference }))
      : null,
  ].filter((element): element is HTMLElement => element !== null);
}

function field(
  id: keyof State['form'],
  label: string,
  hint: string | undefined,
  attributes: Record<string, string>,
): HTMLElement {
  const input = h('input', {
    id,
    name: id,
    value: state.form[id],
    'aria-describedby': hint ? `${id}-hint` : undefined,
    onInput: (event: Event) => (state.form[id] = (event.target as HTMLInputElement).value),
    ...attributes,
  });
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
  );
}

function formView(): HTMLElement {
  const link = state.session ? undefined : state.link;
  const amount = amountShown();
  const fields: HTMLElement[] = [];
  if (link && link.amount.type !== 'fixed')
    fields.push(
      field(
        'amount',
        t('amount'),
        t('amountRange', { min: money(link.amount.min), max: money(link.amount.max) }),
        {
          inputmode: 'numeric',
          autocomplete: 'off',
          required: 'true',
        },
      ),
    );
  if (link?.reference.type === 'customer')
    fields.push(
      field('reference', link.reference.label ?? t('reference'), undefined, {
        maxlength: '12',
        required: 'true',
      }),
    );
  fields.push(
    field('phone', t('phone'), t('phoneHint'), {
      type: 'tel',
      inputmode: 'tel',
      autocomplete: 'tel',
      placeholder: '07XX XXX XXX',
      required: 'true',
    }),
  );
  const cancelUrl = state.session?.cancelUrl;
  return h(
    'form',
    { id: 'checkout', novalidate: true, onSubmit: (event: Event) => void pay(event) },
    ...summary(),
    ...fields,
    state.error
      ? h(
          'p',
          { class: 'error', role: 'alert', id: 'form-error', tabindex: '-1', 'data-focus': true },
          state.error,
        )
      : null,
    h(
      'button',
      { type: 'submit', id: 'pay', class: 'primary', disabled: state.busy, 'aria-busy': String(state.busy) },
      state.busy ? t('sending') : amount !== undefined ? t('pay', { amount: money(amount) }) : t('payAmount'),
    ),
    cancelUrl && !embedded ? h('a', { class: 'secondary', href: cancelUrl }, t('cancel')) : null,
  );
}

function statusView(transaction: ClientTransaction): HTMLElement {
  const outcome = outcomeOf(transaction);
  const session = state.session!;
  const values = {
    amount: money(transaction.amount),
    phone: transaction.phone,
    receipt: transaction.mpesaReceiptNumber ?? '',
  };
  const onward = session.successUrl ?? state.link?.redirectUrl;
  const payInstead = outcome.retry || outcome.event === 'pending' ? session.payInstead : null;
  return h(
    'section',
    { id: 'payment' },
    h(
      'h1',
      {
        id: 'status-title',
        class: `status ${outcome.event}`,
        'data-status': transaction.status,
        tabindex: '-1',
        'data-focus': true,
      },
      t(outcome.title),
    ),
    h('p', { id: 'status-detail' }, t(outcome.detail, values)),
    h('p', { class: 'muted' }, t('referenceIs', { reference: session.accountReference })),
    outcome.event === 'pending' ? h('div', { class: 'spinner', 'aria-hidden': 'true' }) : null,
    state.waitingLong && outcome.event === 'pending' ? h('p', { class: 'muted' }, t('stillWaiting')) : null,
    state.error ? h('p', { class: 'error', role: 'alert' }, state.error) : null,
    outcome.retry
      ? h('button', { type: 'button', id: 'again', class: 'primary', onClick: tryAgain }, t('tryAgain'))
      : null,
    payInstead
      ? h(
          'p',
          { class: 'pay-instead', id: 'pay-instead' },
          t('payInstead', { payBill: payInstead.payBill, account: payInstead.accountNumber }),
        )
      : null,
    outcome.event === 'paid' && onward && !embedded
      ? h(
          'a',
          { class: 'primary', href: onward, id: 'continue' },
          t('continue', { merchant: session.merchant.name }),
        )
      : null,
    outcome.event === 'paid' && !session.successUrl && state.link && state.link.state === 'active'
      ? h('button', { type: 'button', class: 'secondary', onClick: payAnother }, t('payAgain'))
      : null,
  );
}

void boot();
