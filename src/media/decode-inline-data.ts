import { MediaInputError } from './media-input-error.js';

/** Standard or URL-safe base64, padded or not: proto3 JSON accepts both for `bytes` (protobuf.dev/programming-guides/proto3#json). */
const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/**
 * `inlineData.data` → bytes. Whitespace (MIME-style line breaks) is ignored; anything else that
 * is not base64 is refused with Google's wording ("Base64 decoding failed"), never decoded
 * leniently into garbage.
 */
export function decodeInlineData(data: string): Uint8Array {
  const compact = data.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) {
    const shown = compact.length > 40 ? `${compact.slice(0, 37)}...` : compact;
    throw new MediaInputError(`Base64 decoding failed for "${shown}"`);
  }
  const buf = Buffer.from(compact, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
