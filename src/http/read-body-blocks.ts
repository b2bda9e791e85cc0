import { errorCodes, type FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';

/**
 * A request body read whole: one Buffer while it stays under the size it was read for, else
 * blocks of {@link BODY_BLOCK_BYTES}, each owning its memory (so it can be transferred to a
 * worker), the last filled `length % BODY_BLOCK_BYTES` bytes.
 */
export type BodyBytes = { readonly whole: Buffer } | { readonly blocks: Buffer[]; readonly length: number };

/** The size of a large body's blocks: each chunk is copied into one as it arrives. */
export const BODY_BLOCK_BYTES = 4 * 1024 * 1024;

/**
 * Reads `payload` as Fastify's own `parseAs: 'buffer'` reader does (lib/content-type-parser.js
 * `rawBody`: the route's body limit, checked against Content-Length first and then against the
 * bytes received; a length that does not match Content-Length; stream errors as 400s), with one
 * difference: a body of `largeFrom` bytes or more is copied into blocks chunk by chunk as it
 * arrives, where Fastify copies the whole body into one Buffer once it has ended (`Buffer.concat`
 * of 50 MB: 30-50 ms in one turn of the event loop on a 2-core host, page faults included).
 */
export function readBodyBytes(request: FastifyRequest, payload: Readable, largeFrom: number, done: (err: Error | null, body?: BodyBytes) => void): void {
  const limit = request.routeOptions.bodyLimit;
  const contentLength = Number(request.headers['content-length']);
  if (contentLength > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
  let received = 0;
  let chunks: Buffer[] | undefined = [];
  const blocks: Buffer[] = [];
  let used = BODY_BLOCK_BYTES;

  const copyIn = (chunk: Buffer) => {
    for (let from = 0; from < chunk.length;) {
      if (used === BODY_BLOCK_BYTES) {
        // allocUnsafeSlow: a block of its own, never a slice of Buffer's shared pool (nodejs.org/api/buffer.html#static-method-bufferallocunsafeslowsize).
        blocks.push(Buffer.allocUnsafeSlow(BODY_BLOCK_BYTES));
        used = 0;
      }
      const n = chunk.copy(blocks[blocks.length - 1]!, used, from);
      used += n;
      from += n;
    }
  };
  const stop = () => {
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onEnd);
  };
  function onData(chunk: Buffer | string) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    received += bytes.length;
    if (received > limit) {
      stop();
      return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    }
    if (!chunks) return copyIn(bytes);
    chunks.push(bytes);
    if (received >= largeFrom) {
      for (const c of chunks) copyIn(c);
      chunks = undefined;
    }
  }
  function onEnd(err?: Error & { statusCode?: number }) {
    stop();
    if (err) {
      if (!(typeof err.statusCode === 'number' && err.statusCode >= 400)) err.statusCode = 400;
      return done(err);
    }
    if (!Number.isNaN(contentLength) && received !== contentLength) return done(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH());
    done(null, chunks ? { whole: Buffer.concat(chunks, received) } : { blocks, length: received });
  }
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onEnd);
  payload.resume();
}
