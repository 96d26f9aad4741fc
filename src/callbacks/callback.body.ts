// A callback's body exactly as it came. Unlike our API's JSON parser this refuses nothing but
// size: Safaricom's callback is sent once and never again (docs/daraja.md §3), so a body we
// cannot read is still kept (as an orphan) rather than answered with an error. A compressed
// body is inflated when it can be, within the same size bound, and kept as sent when not.
import zlib from 'node:zlib';
import getRawBody from 'raw-body';
import type { RequestHandler } from 'express';

const INFLATE: Record<string, (input: Buffer, options: zlib.ZlibOptions) => Buffer> = {
  gzip: zlib.gunzipSync,
  'x-gzip': zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: (input, options) => zlib.brotliDecompressSync(input, options),
};

/** Reads the body into `req.body` as a Buffer; only a body over `limit` is refused (413). */
export function callbackBody(maxBytes: number): RequestHandler {
  return async (req, _res, next) => {
    const sent = await getRawBody(req, { limit: maxBytes });
    const inflate = INFLATE[(req.get('content-encoding') ?? '').trim().toLowerCase()];
    req.body = inflate ? inflatedOrAsSent(sent, inflate, maxBytes) : sent;
    next();
  };
}

function inflatedOrAsSent(
  sent: Buffer,
  inflate: (input: Buffer, options: zlib.ZlibOptions) => Buffer,
  maxBytes: number,
): Buffer {
  try {
    return inflate(sent, { maxOutputLength: maxBytes });
  } catch {
    return sent;
  }
}
