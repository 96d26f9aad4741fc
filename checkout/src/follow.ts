// Follows one payment live: the service's Socket.io room (docs/realtime.md: `subscribe` with the
// transaction's client secret, then `transaction.updated`), and, beside it, a read of the session
// every POLL_MS, so a network that drops WebSockets and long-polling still sees the outcome.
import { io } from 'socket.io-client';
import { serviceRoot, type ClientTransaction } from './api';
import { isSettled } from './outcome';

const POLL_MS = 4000;

export function followPayment(
  payment: { transaction: ClientTransaction; clientSecret: string },
  poll: () => Promise<ClientTransaction | undefined>,
  onUpdate: (transaction: ClientTransaction) => void,
): () => void {
  const root = serviceRoot();
  const socket = io(root.origin, { path: `${root.pathname}socket.io`, transports: ['websocket', 'polling'] });
  const { id } = payment.transaction;
  let stopped = false;
  const update = (transaction: ClientTransaction) => {
    if (stopped || transaction.id !== id) return;
    onUpdate(transaction);
    if (isSettled(transaction)) stop();
  };
  // Rooms do not survive a reconnection: subscribe on every connect (the current state comes at once).
  socket.on('connect', () =>
    socket.emit('subscribe', { transactionId: id, clientSecret: payment.clientSecret }),
  );
  socket.on('transaction.updated', update);
  const timer = setInterval(() => {
    poll().then(
      (transaction) => transaction && update(transaction),
      () => undefined,
    );
  }, POLL_MS);
  function stop() {
    stopped = true;
    clearInterval(timer);
    socket.close();
  }
  return stop;
}
