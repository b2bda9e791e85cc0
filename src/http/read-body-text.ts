import { Errors } from '../core/errors.js';

/**
 * Reads a small request body (the upload `start` metadata) as UTF-8, refusing more than
 * `limitBytes` with Google's "payload size exceeds the limit" error.
 */
export async function readBodyText(body: AsyncIterable<Uint8Array> | undefined, limitBytes: number): Promise<string> {
  if (!body || typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] !== 'function') return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limitBytes) throw Errors.payloadTooLarge(limitBytes);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
