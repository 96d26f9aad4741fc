// The checkout page: ask our backend to start the payment, then follow it live through the
// mpesa-bridge Socket.io room with the SDK's browser entry. The page never sees an API key:
// only the transaction id and its client secret, which open this one payment. Everything goes
// to this page's own origin: the backend carries Socket.io to the service, so a proxy or port
// forwarding in front of the shop works unchanged; while the socket is out of reach the SDK
// asks the backend for the payment's state instead.
import { subscribeToTransaction } from '/sdk/browser.js';

const $ = (id) => document.getElementById(id);
// Survives a reload: the page subscribes again and the service sends the current state at once.
const STORAGE_KEY = 'mpesa-bridge-demo:payment';
const TAKING_LONG_MS = 75_000;

const TITLES = {
  pending: 'Check your phone',
  completed: 'Paid',
  cancelled: 'Payment cancelled',
  failed: 'Payment failed',
  expired: 'Payment expired',
};

let config;
let subscription;
let slowTimer;

async function start() {
  config = await (await fetch('/api/config')).json();
  renderTestPhones(config.testPhones);
  $('checkout').addEventListener('submit', onSubmit);
  $('again').addEventListener('click', reset);
  const saved = sessionStorage.getItem(STORAGE_KEY);
  if (saved) follow(JSON.parse(saved));
}

async function onSubmit(event) {
  event.preventDefault();
  showFormError('');
  $('pay').disabled = true;
  try {
    const response = await fetch('/api/checkout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone: $('phone').value, amount: Number($('amount').value) }),
    });
    const body = await response.json();
    if (!response.ok) {
      showFormError(body.error?.message ?? 'Could not start the payment.');
      return;
    }
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(body));
    follow(body);
  } catch {
    showFormError('Could not reach the shop. Is the demo still running?');
  } finally {
    $('pay').disabled = false;
  }
}

function follow({ transactionId, clientSecret }) {
  $('checkout').hidden = true;
  $('payment').hidden = false;
  render({ status: 'pending', detail: 'Connecting…' });
  subscription?.close();
  subscription = subscribeToTransaction({
    baseUrl: window.location.origin,
    transactionId,
    clientSecret,
    statusUrl: `/api/payments/${encodeURIComponent(transactionId)}`,
    onUpdate: (transaction) => render(viewOf(transaction)),
    onError: (error) => {
      if (error.code === 'subscription_refused') {
        sessionStorage.removeItem(STORAGE_KEY);
        render({
          status: 'failed',
          title: 'Payment not found',
          detail: 'This payment cannot be followed from here.',
        });
      } else {
        $('status-meta').textContent =
          'Live updates are out of reach; checking for the result every few seconds…';
      }
    },
  });
}

function viewOf(transaction) {
  const amount = `KES ${transaction.amount}`;
  switch (transaction.status) {
    case 'pending':
      armSlowNotice();
      return { status: 'pending', detail: `Enter your M-Pesa PIN on ${transaction.phone} to pay ${amount}.` };
    case 'completed':
      return {
        status: 'completed',
        detail: `${amount} received. M-Pesa receipt ${transaction.mpesaReceiptNumber}.`,
      };
    default:
      return {
        status: transaction.status,
        detail: transaction.failure?.message ?? 'The payment did not go through.',
      };
  }
}

function render({ status, title, detail }) {
  $('status-title').dataset.status = status;
  $('status-title').textContent = title ?? TITLES[status] ?? status;
  $('status-detail').textContent = detail ?? '';
  $('status-meta').textContent = '';
  const done = status !== 'pending';
  $('again').hidden = !done;
  if (done) clearTimeout(slowTimer);
}

function armSlowNotice() {
  clearTimeout(slowTimer);
  slowTimer = setTimeout(() => {
    $('status-meta').textContent =
      'Still waiting for M-Pesa. The page updates by itself as soon as the result arrives.';
  }, TAKING_LONG_MS);
}

function reset() {
  subscription?.close();
  subscription = undefined;
  clearTimeout(slowTimer);
  sessionStorage.removeItem(STORAGE_KEY);
  $('payment').hidden = true;
  $('checkout').hidden = false;
}

function showFormError(message) {
  $('form-error').textContent = message;
  $('form-error').hidden = !message;
}

function renderTestPhones(phones) {
  const rows = phones.map(({ phone, outcome }) => {
    const row = document.createElement('tr');
    const phoneCell = document.createElement('td');
    phoneCell.className = 'phone';
    const link = document.createElement('a');
    link.textContent = phone;
    link.addEventListener('click', () => {
      $('phone').value = phone;
      $('phone').focus();
    });
    phoneCell.append(link);
    const outcomeCell = document.createElement('td');
    outcomeCell.textContent = outcome;
    row.append(phoneCell, outcomeCell);
    return row;
  });
  $('test-phones').replaceChildren(...rows);
}

start().catch(() => showFormError('Could not load the checkout. Is the demo still running?'));
