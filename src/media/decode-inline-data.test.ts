import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeInlineData } from './decode-inline-data.js';
import { MediaInputError } from './media-input-error.js';

test('standard and URL-safe base64, padded or not, with line breaks', () => {
  const bytes = Buffer.from([0xfb, 0xff, 0xfe, 0x01]);
  for (const s of ['+//+AQ==', '-__-AQ', '+//+\nAQ==', bytes.toString('base64')]) assert.deepEqual(Buffer.from(decodeInlineData(s)), bytes);
});

test('anything else is refused with Google\'s wording, not decoded leniently', () => {
  for (const s of ['not base64!', 'abc=d', 'A']) {
    assert.throws(() => decodeInlineData(s), (e: unknown) => e instanceof MediaInputError && /^Base64 decoding failed for "/.test(e.message));
  }
});
