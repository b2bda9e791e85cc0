import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoOrInteger, boolean, byteSize, httpUrl, integer, list, oneOf, pathPrefix } from './setting-parsers.js';

test('integer accepts numbers and decimal strings within range', () => {
  const p = integer(1, 10);
  assert.equal(p('7'), 7);
  assert.equal(p(7), 7);
  assert.throws(() => p('0'), /from 1 to 10/);
  assert.throws(() => p(1.5));
  assert.throws(() => p('7x'));
});

test('boolean accepts the usual env spellings', () => {
  const p = boolean();
  for (const t of [true, 'true', '1', 'YES', 'on']) assert.equal(p(t), true);
  for (const f of [false, 'false', '0', 'no', 'off']) assert.equal(p(f), false);
  assert.throws(() => p('maybe'));
});

test('list splits commas, trims and drops empties', () => {
  const p = list();
  assert.deepEqual(p('a, b,,c'), ['a', 'b', 'c']);
  assert.deepEqual(p(['a', 'b,c']), ['a', 'b', 'c']);
  assert.throws(() => p([1]));
});

test('byteSize understands SI and IEC units', () => {
  const p = byteSize();
  assert.equal(p('100MiB'), 100 * 1024 * 1024);
  assert.equal(p('20MB'), 20_000_000);
  assert.equal(p('512k'), 512 * 1024);
  assert.equal(p(2048), 2048);
  assert.equal(p('1.5g'), 1.5 * 1024 ** 3);
  assert.throws(() => p('lots'));
});

test('oneOf, autoOrInteger, pathPrefix, httpUrl', () => {
  assert.equal(oneOf(['info', 'debug'])('DEBUG'), 'debug');
  assert.throws(() => oneOf(['info'])('loud'), /one of info/);
  assert.equal(autoOrInteger(1)('auto'), 'auto');
  assert.equal(autoOrInteger(1)('3'), 3);
  assert.equal(pathPrefix()('/a/b/'), '/a/b');
  assert.equal(pathPrefix()(''), '');
  assert.throws(() => pathPrefix()('gemini'));
  assert.equal(httpUrl()('http://127.0.0.1:9/'), 'http://127.0.0.1:9');
  assert.throws(() => httpUrl()('ftp://x'));
});
