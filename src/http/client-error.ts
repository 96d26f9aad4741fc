// Requests Node's HTTP parser refuses before Express sees them (a NUL in a header, a broken
// request line, headers over the size limit, contradictory Content-Lengths). Node's default
// answer is a bare 400 without a body; ours is the one error shape, like every other refusal.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, errorBody } from '../errors';
import { withRequestId } from '../request-context';

export function answerUnparsableRequests(server: http.Server): void {
  server.on('clientError', (_error: NodeJS.ErrnoException, socket: Duplex) => {
    // A socket that already closed, or one that got part of an answer, can only be dropped.
    if (!socket.writable || (socket as Duplex & { _httpMessage?: unknown })._httpMessage) {
      socket.destroy();
      return;
    }
    const requestId = `req_${randomUUID()}`;
    const body = JSON.stringify(
      withRequestId(requestId, () =>
        errorBody(
          new AppError(
            'bad_request',
            'The request is not valid HTTP: a malformed request line or header, or headers too large',
          ),
        ),
      ),
    );
    socket.end(
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\n\r\n${body}`,
    );
  });
}
