// One POST of a webhook. Keep-alive agents, because most deliveries go to few endpoints; a
// response body is read to its end (so the connection can be reused) but only its first
// KiB is kept for the attempt log, and a huge one is cut.
import http from 'node:http';
import https from 'node:https';
import { keepAliveAgents } from '../core/keep-alive-agents';
import { publicOnlyLookup, refusesToConnect } from './webhook.url-guard';

const KEPT_BODY_BYTES = 1024;
const MAX_READ_BYTES = 64 * 1024;

export interface SendResult {
  statusCode: number | null;
  responseBody: string | null;
  retryAfter: string | undefined;
  error: string | null;
}

export function createWebhookSender(options: {
  timeoutMs: number;
  allowPrivate: boolean;
  userAgent: string;
}) {
  const keepAlive = keepAliveAgents({ maxSockets: 256 });
  const agents = { 'http:': keepAlive.http, 'https:': keepAlive.https };

  function send(target: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const url = new URL(target);
    // A URL stored while private ones were allowed (simulator mode), or an IP literal, which
    // skips the DNS lookup below: refused before any connection is opened.
    if (!options.allowPrivate && refusesToConnect(url)) {
      return Promise.resolve({
        statusCode: null,
        responseBody: null,
        retryAfter: undefined,
        error: 'EPRIVATEADDRESS',
      });
    }
    return new Promise((resolve) => {
      const transport = url.protocol === 'https:' ? https : http;
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = transport.request(url, {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': options.userAgent,
        },
      });
      // One deadline for the whole exchange, connect to last byte: a slow drip is a failure too.
      const timer = setTimeout(() => {
        request.destroy(
          Object.assign(new Error(`no complete answer within ${options.timeoutMs} ms`), {
            code: 'ETIMEDOUT',
          }),
        );
      }, options.timeoutMs);
      request.on('error', (error: NodeJS.ErrnoException) => {
        finish({
          statusCode: null,
          responseBody: null,
          retryAfter: undefined,
          error: error.code ?? error.message,
        });
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_READ_BYTES) return response.destroy();
          chunks.push(chunk);
        });
        const done = () =>
          finish({
            statusCode: response.statusCode ?? null,
            responseBody: Buffer.concat(chunks).subarray(0, KEPT_BODY_BYTES).toString('utf8'),
            retryAfter: response.headers['retry-after'],
            error: null,
          });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      });
      request.end(body);
    });
  }

  return {
    send,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
