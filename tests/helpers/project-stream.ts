// A merchant server (or the CLI) following its project: a real socket.io-client on the
// `/projects` namespace, the handshake signed as the reference says.
import { io, type Socket } from 'socket.io-client';
import { sign } from '../../src/security/signature';
import type { ProjectKeys } from './merchant';
import { firstMatch } from './realtime';

export interface StreamMessage {
  kind: 'transaction' | 'event' | 'callback';
  body: Record<string, any>;
}

export interface ProjectStream {
  socket: Socket;
  messages: StreamMessage[];
  /** The first message (already received or coming) that `match` accepts. */
  waitFor(
    match: (message: StreamMessage) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<StreamMessage>;
  close(): void;
}

export interface HandshakeOptions {
  timestamp?: number;
  /** Sign with this secret or path instead (to build bad handshakes). */
  secretKey?: string;
  path?: string;
  /** Send exactly this as `auth`. */
  auth?: unknown;
  /** Headers of the handshake request (a dashboard page's Cookie and Origin). */
  headers?: Record<string, string>;
}

export function streamAuth(
  keys: Pick<ProjectKeys, 'publicKey' | 'secretKey'>,
  options: HandshakeOptions = {},
) {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = sign(options.secretKey ?? keys.secretKey, {
    timestamp,
    method: 'GET',
    path: options.path ?? '/socket.io/projects',
    body: '',
  });
  return { publicKey: keys.publicKey, timestamp, signature };
}

/** Connects, or rejects with the handshake's refusal (`err.data`: `{ code, message }`). */
export async function connectProjectStream(
  baseUrl: string,
  keys: Pick<ProjectKeys, 'publicKey' | 'secretKey'>,
  options: HandshakeOptions = {},
): Promise<ProjectStream> {
  const auth = (options.auth ?? streamAuth(keys, options)) as Record<string, unknown>;
  const socket = io(`${baseUrl}/projects`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth,
    ...(options.headers ? { extraHeaders: options.headers } : {}),
  });
  const messages: StreamMessage[] = [];
  const waiters: Array<() => void> = [];
  for (const kind of ['transaction', 'event', 'callback'] as const) {
    socket.on(kind, (body: Record<string, any>) => {
      messages.push({ kind, body });
      waiters.splice(0).forEach((wake) => wake());
    });
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(Object.assign(new Error(error.message), { data: error.data }));
    });
  });
  return {
    socket,
    messages,
    waitFor: (match, what, timeoutMs = 5000) =>
      firstMatch(
        messages,
        waiters,
        match,
        () => `no ${what}; got ${JSON.stringify(messages.map((m) => m.kind))}`,
        timeoutMs,
      ),
    close: () => socket.close(),
  };
}

/** The refusal a handshake gets. */
export async function refusalOf(
  connecting: Promise<ProjectStream>,
): Promise<{ code: string; message: string }> {
  try {
    const stream = await connecting;
    stream.close();
    throw new Error('the handshake was accepted');
  } catch (error) {
    const data = (error as { data?: { code: string; message: string } }).data;
    if (!data) throw error;
    return data;
  }
}
