import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pageSizeOf, pageStartOf, pageTokenAfter, queryValue } from './list-paging.js';

const SIZES = { defaultSize: 10, maxSize: 100 };

test('pageSize: default when absent or 0, capped, int32 text only, never negative', () => {
  assert.equal(pageSizeOf(undefined, SIZES), 10);
  assert.equal(pageSizeOf('0', SIZES), 10);
  assert.equal(pageSizeOf('7', SIZES), 7);
  assert.equal(pageSizeOf('5000', SIZES), 100);
  assert.throws(() => pageSizeOf('ten', SIZES), /Invalid value at 'page_size' \(TYPE_INT32\), "ten"/);
  assert.throws(() => pageSizeOf('-1', SIZES), /must be non-negative/);
  assert.equal(queryValue(['3', '4']), '3');
});

test('page tokens: the next page starts after the last record, whatever was added or removed; another list\'s token is refused', () => {
  const all = [{ createTime: 30, id: 'c' }, { createTime: 20, id: 'a' }, { createTime: 20, id: 'b' }, { createTime: 10, id: 'z' }];
  const token = pageTokenAfter('f', all[1]);
  assert.equal(pageStartOf(token, 'f', all), 2);
  // The record the token names was deleted, and a newer one added: still right after where it was.
  const changed = [{ createTime: 40, id: 'n' }, all[0], all[2], all[3]];
  assert.equal(pageStartOf(token, 'f', changed), 2);
  assert.equal(pageStartOf(pageTokenAfter('f', all[3]), 'f', all), 4);
  assert.equal(pageStartOf(undefined, 'f', all), 0);
  assert.throws(() => pageStartOf(token, 'c', all), /Invalid page token/);
  assert.throws(() => pageStartOf('garbage', 'f', all), /Invalid page token/);
});
