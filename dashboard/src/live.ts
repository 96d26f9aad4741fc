// Live updates: the project stream (Socket.io namespace /projects), joined with the session
// cookie for the chosen project and mode. The server checks the user may see that project.
import { io, type Socket } from 'socket.io-client';
import type {
  ProjectStreamCallback,
  ProjectStreamEvent,
  ProjectStreamTransaction,
} from '@mpesa-bridge/sdk/types';
import type { Scope } from './api';

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
  socket.on('connect', () => handlers.status?.(true));
  socket.on('disconnect', () => handlers.status?.(false));
  socket.on('connect_error', () => handlers.status?.(false));
  if (handlers.transaction) socket.on('transaction', handlers.transaction);
  if (handlers.event) socket.on('event', handlers.event);
  if (handlers.callback) socket.on('callback', handlers.callback);
  return () => {
    socket.removeAllListeners();
    socket.disconnect();
  };
}
