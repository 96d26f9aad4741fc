// Requests Node's HTTP parser refuses before Express sees them (a NUL in a header, a broken
// request line, headers over the size limit, contradictory Content-Lengths). Node's default
// answer is a bare 400 without a body; ours is the one error shape, like every other refusal.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, errorBody } from '../errors';
import { withRequestId } from '../request-context';

export function answerUnparsableRequests(server: http.Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // Node's headersTimeout / requestTimeout (HTTP_HEADERS_TIMEOUT, HTTP_REQUEST_TIMEOUT, connection-limits.ts).
    const late = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const requestId = `req_${randomUUID()}`;
    const refusal = late
      ? new AppError('request_timeout', 'The request did not arrive in time')
      : new AppError(
          'bad_request',
          'The request is not valid HTTP: a malformed request line or header, or headers too large',
        );
    const body = JSON.stringify(withRequestId(requestId, () => errorBody(refusal)));
    const response = (socket as Duplex & { _httpMessage?: http.ServerResponse })._httpMessage;
    // A body that stopped arriving: its request is already being answered; if nothing of the
    // answer left yet, say why before closing.
    if (late && response && !response.headersSent && socket.writable) {
      response.shouldKeepAlive = false;
      response
        .writeHead(408, { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-Id': requestId })
        .end(body, () => socket.destroy());
      return;
    }
    // A socket that already closed, or one that got part of an answer, can only be dropped.
    if (!socket.writable || response) {
      socket.destroy();
      return;
    }
    socket.end(
      `HTTP/1.1 ${late ? '408 Request Timeout' : '400 Bad Request'}\r\nConnection: close\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${requestId}\r\n\r\n${body}`,
    );
  });
}
