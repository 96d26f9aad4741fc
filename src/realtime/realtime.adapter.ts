// How Socket.io reaches the browsers of every instance: `io.to(room).emit` on one instance goes to
// the sockets in that room on all of them, through the bus between instances (src/bus: Redis
// pub/sub or PostgreSQL NOTIFY). The bus is what makes it cheap: alone, an instance sends
// nothing; with others, all the emits of one committed batch travel as one message. SQLite is
// one process: Socket.io's own in-memory adapter, and nothing crosses a process.
import type { Namespace, Server } from 'socket.io';
import { ClusterAdapter, type ClusterMessage, type ClusterResponse } from 'socket.io-adapter';
import type { Bus } from '../bus/bus';

const TOPIC = 'socket.io';

export type AdapterKind = 'redis' | 'postgres' | 'memory';

export interface RealtimeAdapter {
  kind: AdapterKind;
  /** Installs the adapter on `io`. */
  install(io: Server): Promise<void>;
  /**
   * Calls `listener` each time this instance hears the others again after losing them (a
   * restart of Redis or PostgreSQL): whatever they emitted in between never arrived here.
   */
  onReconnected(listener: () => void): void;
}

/**
 * Socket.io's cluster adapter (rooms, acknowledgements, serverSideEmit across servers) with the
 * bus underneath. A class because Socket.io's adapter API is one: a subclass that publishes.
 */
class BusAdapter extends ClusterAdapter {
  constructor(
    nsp: Namespace,
    private readonly bus: Bus,
  ) {
    super(nsp);
  }

  override serverCount(): Promise<number> {
    return Promise.resolve(1 + this.bus.peerCount());
  }

  /** A message of another instance's adapter for this namespace. */
  receive(message: ClusterMessage): void {
    this.onMessage(message);
  }

  protected override doPublish(message: ClusterMessage): Promise<string> {
    this.bus.publish(TOPIC, message);
    // No offset: connection state recovery is not used (a browser resubscribes and is sent the state).
    return Promise.resolve('');
  }

  protected override doPublishResponse(_requester: string, response: ClusterResponse): Promise<void> {
    // Sent to every instance; only the one waiting knows the request id.
    this.bus.publish(TOPIC, response);
    return Promise.resolve();
  }
}

export function realtimeAdapter(bus: Bus): RealtimeAdapter {
  if (bus.kind === 'local')
    return { kind: 'memory', install: async () => undefined, onReconnected: () => undefined };
  const adapters = new Map<string, BusAdapter>();
  bus.subscribe(TOPIC, (body) => {
    const message = body as ClusterMessage;
    adapters.get(message.nsp)?.receive(message);
  });
  return {
    kind: bus.kind,
    onReconnected: (listener) => bus.onReconnected(listener),
    async install(io) {
      io.adapter(function create(nsp: Namespace) {
        const adapter = new BusAdapter(nsp, bus);
        adapters.set(nsp.name, adapter);
        return adapter;
      } as unknown as Parameters<Server['adapter']>[0]);
    },
  };
}
