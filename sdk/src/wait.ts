// waitForResult: the payment's final state (or its money recorded as another payment: isSettled),
// as soon as the service knows it. The Socket.io
// room pushes it the moment the callback is applied; if the socket cannot connect, is refused
// or drops, the same wait continues by polling the status endpoint. Either way the answer is
// the full merchant view from one signed GET, so callers get the same shape on both paths.
import { MpesaBridgeError, MpesaBridgeTimeoutError } from './errors.js';
import { subscribeToTransaction } from './realtime.js';
import { sleep } from './http.js';
import { isSettled, type Transaction, type TransactionStatus } from './types.js';

export interface WaitOptions {
  /** Give up after this long; default 120 000 ms (a prompt stays open for about a minute). */
  timeoutMs?: number;
  /** The `clientSecret` from initiate. Without it (and if this client did not make the initiate call) the wait polls. */
  clientSecret?: string;
  /** Delay between status calls when polling; default 2000 ms. */
  pollIntervalMs?: number;
  /**
   * Told each status the wait learns, once per change: the current one as soon as the socket
   * subscribed (or the first poll answered), then every change up to the final one.
   */
  onStatus?: (status: TransactionStatus) => void;
}

export const DEFAULT_WAIT_TIMEOUT_MS = 120_000;
const DEFAULT_POLL_INTERVAL_MS = 2_000;
/** How long the socket may take to connect before polling takes over. */
const SOCKET_CONNECT_TIMEOUT_MS = 5_000;

interface WaitDeps {
  realtimeUrl: string;
  getTransaction: (id: string) => Promise<Transaction>;
}

export async function waitForResult(
  deps: WaitDeps,
  transactionId: string,
  clientSecret: string | undefined,
  options: WaitOptions,
): Promise<Transaction> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  let lastStatus: TransactionStatus | undefined;
  const learn = (status: TransactionStatus) => {
    if (status === lastStatus) return;
    lastStatus = status;
    options.onStatus?.(status);
  };

  if (clientSecret) {
    const outcome = await waitOnSocket(deps.realtimeUrl, transactionId, clientSecret, deadline, learn);
    if (outcome === 'final') return deps.getTransaction(transactionId);
    if (outcome === 'timeout') throw new MpesaBridgeTimeoutError(transactionId, timeoutMs, lastStatus);
  }

  for (;;) {
    const transaction = await deps.getTransaction(transactionId);
    learn(transaction.status);
    if (isSettled(transaction)) return transaction;
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new MpesaBridgeTimeoutError(transactionId, timeoutMs, lastStatus);
    await sleep(Math.min(pollIntervalMs, remaining));
  }
}

/** 'final' when the room reported a final status, 'timeout' at the deadline, 'unavailable' when polling must take over. */
function waitOnSocket(
  url: string,
  transactionId: string,
  clientSecret: string,
  deadline: number,
  onStatus: (status: TransactionStatus) => void,
): Promise<'final' | 'timeout' | 'unavailable'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish('timeout'), Math.max(0, deadline - Date.now()));
    const subscription = subscribeToTransaction({
      baseUrl: url,
      transactionId,
      clientSecret,
      socketOptions: {
        reconnection: false,
        timeout: Math.min(SOCKET_CONNECT_TIMEOUT_MS, Math.max(1, deadline - Date.now())),
      },
      onUpdate: (transaction) => {
        onStatus(transaction.status);
        if (isSettled(transaction)) finish('final');
      },
      onError: (_error: MpesaBridgeError) => finish('unavailable'),
    });
    function finish(outcome: 'final' | 'timeout' | 'unavailable') {
      clearTimeout(timer);
      subscription.close();
      resolve(outcome);
    }
  });
}
