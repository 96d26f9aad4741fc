// A committed change wakes the delivery workers of the other instances too, through the
// Socket.io adapter (Redis pub/sub or PostgreSQL NOTIFY, the bus the browsers' updates already
// take), so a new delivery starts at once wherever a worker has room: the instance that took
// the callback may be busy or draining. The local worker is woken directly, as before.
//
// Wakes are coalesced: each instance broadcasts at most one per WAKE_COALESCE_MS (the first at
// once, the last of a burst when the interval ends), so 3,000 callbacks a second are 100
// broadcasts, not 3,000, and each worker asks the database once per wake.
import type { Server } from 'socket.io';

const WAKE_EVENT = 'webhook-deliveries.due';
const WAKE_COALESCE_MS = 10;

export interface PeerWake {
  /** Tells the other instances' workers there may be new due deliveries. */
  wakeOthers(): void;
  stop(): void;
}

export function wakeAcrossInstances(io: Server, wakeHere: () => void): PeerWake {
  const onWake = () => wakeHere();
  io.on(WAKE_EVENT, onWake);
  let timer: NodeJS.Timeout | undefined;
  let again = false;

  const broadcast = () => {
    io.serverSideEmit(WAKE_EVENT);
    timer = setTimeout(() => {
      timer = undefined;
      if (again) {
        again = false;
        broadcast();
      }
    }, WAKE_COALESCE_MS);
    timer.unref();
  };

  return {
    wakeOthers() {
      if (timer) again = true;
      else broadcast();
    },
    stop() {
      clearTimeout(timer);
      io.off(WAKE_EVENT, onWake);
    },
  };
}
