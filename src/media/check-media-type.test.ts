import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimalPdf, twoColourImage } from '../../test/fixtures/test-media.js';
import { checkMediaType } from './check-media-type.js';
import { MediaInputError } from './media-input-error.js';

const rejects = (declared: string | undefined, data: Uint8Array, message: RegExp) =>
  assert.throws(() => checkMediaType(declared, data), (e: unknown) => e instanceof MediaInputError && message.test(e.message));

test('a declared type that matches its bytes gives the kind', async () => {
  assert.deepEqual(checkMediaType('image/png', await twoColourImage('png')), { kind: 'image', mimeType: 'image/png', format: 'png' });
  assert.equal(checkMediaType('IMAGE/JPG', await twoColourImage('jpeg')).kind, 'image');
  assert.equal(checkMediaType('application/pdf', minimalPdf(['a'])).kind, 'pdf');
  assert.equal(checkMediaType('text/csv; charset=utf-8', Buffer.from('a,b\n1,2\n')).kind, 'text');
  assert.equal(checkMediaType('application/json', Buffer.from('{"a":1}')).kind, 'text');
});

test('a mismatch names both the declared type and what the data really is', async () => {
  rejects('image/png', await twoColourImage('jpeg'), /^declared image\/png but the data is a JPEG image$/);
  rejects('audio/mp3', minimalPdf(['a']), /^declared audio\/mp3 but the data is a PDF document$/);
  rejects('text/plain', await twoColourImage('png'), /^declared text\/plain but the data is a PNG image$/);
  rejects('text/plain', Buffer.from([0xc3, 0x28, 0xff]), /^declared text\/plain but the data is not UTF-8 text$/);
  rejects('video/mp4', Buffer.from([1, 2, 3, 0, 5]), /^declared video\/mp4 but the data is not of that type \(unrecognised bytes 01 02 03 00 05\)$/);
});

test('unsupported, missing types and empty data are refused', () => {
  rejects('application/zip', Buffer.from('PK\x03\x04'), /^Unsupported MIME type: application\/zip$/);
  rejects('image/bmp', Buffer.from('BM'), /^Unsupported MIME type: image\/bmp$/);
  rejects(undefined, Buffer.from('x'), /mime_type is not specified/);
  rejects('image/png', new Uint8Array(0), /declared image\/png but the data is empty/);
});
