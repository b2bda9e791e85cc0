import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileIdOf } from './file-id-of.js';

test('fileIdOf accepts files/<id>, a bare id and File uris on any host and prefix', () => {
  assert.equal(fileIdOf('files/abc-123'), 'abc-123');
  assert.equal(fileIdOf('abc123'), 'abc123');
  assert.equal(fileIdOf('http://127.0.0.1:8080/v1beta/files/abc123'), 'abc123');
  assert.equal(fileIdOf('https://gw.example/gemini/v1beta/files/abc123'), 'abc123');
  assert.equal(fileIdOf('https://generativelanguage.googleapis.com/v1beta/files/29zm2ddgh73v'), '29zm2ddgh73v');
  assert.equal(fileIdOf('HTTP://host/v1/files/x'), 'x');
  assert.equal(fileIdOf('http://host/v1beta/files/abc?x=1#y'), 'abc', 'query and fragment are not part of the id');
});

test('fileIdOf rejects everything else', () => {
  for (const bad of [
    '', 'files/', 'files/ABC', 'files/-abc', 'files/../../etc/passwd', '../x', 'gs://bucket/files/abc',
    'http://host/v1beta/files/abc/extra', 'http://host/v1beta/other/abc', 'http://[bad', 'files/a'.padEnd(50, 'a'),
    'data:image/png;base64,AAAA',
  ]) {
    assert.equal(fileIdOf(bad), undefined, bad);
  }
  assert.equal(fileIdOf(undefined as unknown as string), undefined);
});
