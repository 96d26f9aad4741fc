// Live updates: the project stream (Socket.io namespace /projects), joined with the session
// cookie for the chosen project and mode. The server checks the user may see that project.
import { io, type Socket } from 'socket.io-client';
import type {
  ProjectStreamCallback,
  ProjectStreamEvent,
  ProjectStreamTransaction,
} from '@mpesa-bridge/sdk/types';
import type { Scope } from './api';

const SERVER_LET_GO_RETRY_MS = 1_000;

export interface LiveHandlers {
  transaction?: (payload: ProjectStreamTransaction) => void;
  event?: (payload: ProjectStreamEvent) => void;
  callback?: (payload: ProjectStreamCallback) => void;
  status?: (connected: boolean) => void;
}

export function followProject(scope: Scope, handlers: LiveHandlers): () => void {
  const socket: Socket = io('/projects', {
    auth: { projectId: scope.projectId, mode: scope.mode },
    withCredentials: true,
    transports: ['websocket', 'polling'],
  });
  let closed = false;
  socket.on('connect', () => handlers.status?.(true));
  socket.on('disconnect', (reason) => {
    handlers.status?.(false);
    // The server let this page go: an instance draining for a restart, or what admitted the page
    // changed (the user's role, projects or password; the session ended). Socket.io does not come
    // back by itself then: ask once more, and the handshake says whether the session still may.
    if (reason === 'io server disconnect')
      setTimeout(() => {
        if (!closed) socket.connect();
      }, SERVER_LET_GO_RETRY_MS);
  });
  socket.on('connect_error', () => handlers.status?.(false));
  if (handlers.transaction) socket.on('transaction', handlers.transaction);
  if (handlers.event) socket.on('event', handlers.event);
  if (handlers.callback) socket.on('callback', handlers.callback);
  return () => {
    closed = true;
    socket.removeAllListeners();
    socket.disconnect();
  };
}
