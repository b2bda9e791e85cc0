import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { hasCommand, minimalPdf, sineAudio, testVideo, twoColourImage } from '../../test/fixtures/test-media.js';
import { sniffMimeType } from './sniff-mime-type.js';

const bytes = (...parts: Array<string | number[] | Buffer>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const ftyp = (major: string, ...compatible: string[]) => {
  const body = bytes('ftyp', major, [0, 0, 0, 0], ...compatible);
  return bytes([0, 0, 0, body.length + 4], body, [0, 0, 0, 8], 'mdat');
};

test('each format is recognised by its magic number', () => {
  const cases: Array<[Buffer, string]> = [
    [bytes([0xff, 0xd8, 0xff, 0xe0]), 'jpeg'],
    [bytes([0x89], 'PNG\r\n', [0x1a, 0x0a, 0, 0]), 'png'],
    [bytes('GIF89a', [1, 0]), 'gif'],
    [bytes('GIF87a', [1, 0]), 'gif'],
    [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'webp'],
    [ftyp('heic', 'mif1', 'heic'), 'heif'],
    [ftyp('mif1', 'mif1', 'heic'), 'heif'],
    [ftyp('avif', 'mif1', 'avif'), 'avif'],
    [bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), 'wav'],
    [bytes('ID3', [4, 0, 0]), 'mp3'],
    [bytes([0xff, 0xfb, 0x90, 0x64]), 'mp3'],
    [bytes('FORM', [0, 0, 0, 0], 'AIFF'), 'aiff'],
    [bytes('FORM', [0, 0, 0, 0], 'AIFC'), 'aiff'],
    [bytes([0xff, 0xf1, 0x50, 0x80]), 'aac'],
    [ftyp('M4A ', 'M4A ', 'mp42'), 'm4a'],
    [bytes('OggS', [0, 2]), 'ogg'],
    [bytes('fLaC', [0, 0, 0, 0x22]), 'flac'],
    [ftyp('isom', 'isom', 'avc1'), 'mp4'],
    [ftyp('qt  ', 'qt  '), 'quicktime'],
    [bytes([0, 0, 0, 8], 'moov'), 'quicktime'],
    [ftyp('3gp4', '3gp4'), '3gpp'],
    [bytes([0, 0, 1, 0xba, 0x21]), 'mpeg-ps'],
    [bytes([0, 0, 1, 0xb3, 0x21]), 'mpeg-video'],
    [Buffer.concat([bytes([0x47]), Buffer.alloc(187), bytes([0x47]), Buffer.alloc(187)]), 'mpeg-ts'],
    [bytes('RIFF', [0, 0, 0, 0], 'AVI LIST'), 'avi'],
    [bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f]), 'webm'],
    [bytes('FLV', [1, 5]), 'flv'],
    [bytes([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c]), 'asf'],
    [bytes('%PDF-1.7\n'), 'pdf'],
    [bytes('\n\n%PDF-1.4\n'), 'pdf'],
    [bytes('PK', [3, 4]), 'zip'],
    [bytes('BM', [0, 0]), 'bmp'],
    [bytes('II*', [0]), 'tiff'],
    [Buffer.from('hello, wörld {"a": 1}\n', 'utf8'), 'text'],
    [Buffer.from('Good morning'), 'text'],
  ];
  for (const [data, format] of cases) assert.equal(sniffMimeType(data)?.format, format, `${format}: ${data.subarray(0, 12).toString('hex')}`);
});

test('binary noise, NUL bytes and empty data are not recognised', () => {
  assert.equal(sniffMimeType(Buffer.alloc(0)), undefined);
  assert.equal(sniffMimeType(Buffer.from([0x00, 0x01, 0x02, 0x03])), undefined);
  assert.equal(sniffMimeType(Buffer.from([0xc3, 0x28, 0x41])), undefined, 'invalid UTF-8');
});

test('a UTF-8 character cut at the 64 KiB sniffing window is still text', () => {
  const text = Buffer.from('a'.repeat(65_535) + 'é and more', 'utf8');
  assert.equal(sniffMimeType(text)?.format, 'text');
});

test('real files from sharp, ffmpeg and a hand-written PDF', async (t) => {
  assert.equal(sniffMimeType(await twoColourImage('jpeg'))?.label, 'a JPEG image');
  assert.equal(sniffMimeType(await twoColourImage('png'))?.format, 'png');
  assert.equal(sniffMimeType(await twoColourImage('webp'))?.format, 'webp');
  assert.equal(sniffMimeType(await twoColourImage('gif'))?.format, 'gif');
  assert.equal(sniffMimeType(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).avif().toBuffer())?.format, 'avif');
  assert.equal(sniffMimeType(minimalPdf(['x']))?.format, 'pdf');
  if (!hasCommand('ffmpeg')) return t.skip('ffmpeg (Debian ffmpeg) is not installed');
  const audio: Array<[string, string]> = [['wav', 'wav'], ['mp3', 'mp3'], ['ogg', 'ogg'], ['flac', 'flac'], ['aac', 'aac'], ['aiff', 'aiff']];
  for (const [ext, format] of audio) assert.equal(sniffMimeType(sineAudio(ext))?.format, format, ext);
  const video: Array<[string, string]> = [
    ['mp4', 'mp4'], ['mov', 'quicktime'], ['webm', 'webm'], ['avi', 'avi'], ['flv', 'flv'], ['wmv', 'asf'], ['3gp', '3gpp'], ['mpg', 'mpeg-ps'],
  ];
  for (const [ext, format] of video) assert.equal(sniffMimeType(testVideo({ ext, seconds: 1 }))?.format, format, ext);
});
