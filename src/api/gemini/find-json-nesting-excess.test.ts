import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JSON_NESTING_DEPTH, describeJsonNestingExcess, findJsonNestingExcess } from './find-json-nesting-excess.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

test('nesting up to the bound passes; one level more is found at its bracket', () => {
  assert.equal(MAX_JSON_NESTING_DEPTH, 100);
  assert.equal(findJsonNestingExcess(nested(100)), undefined);
  assert.deepEqual(findJsonNestingExcess(nested(101)), { position: 100, key: '' });
  assert.equal(findJsonNestingExcess('{"a":{"b":[1,{"c":2}]}}', 4), undefined);
  assert.deepEqual(findJsonNestingExcess('{"a":{"b":[1,{"c":2}]}}', 3), { position: 13, key: 'b' });
});

test('brackets inside strings, escaped quotes included, do not count', () => {
  const s = JSON.stringify({ t: '[[[[{{{{\\"[[[[', u: 'x\\', v: '"{{{{' });
  assert.equal(findJsonNestingExcess(s, 1), undefined);
  assert.deepEqual(findJsonNestingExcess(`{"k\\"ey":${nested(3)}}`, 3), { position: 11, key: 'k\\"ey' });
});

test('nothing deep in invalid JSON is left for JSON.parse to describe', () => {
  assert.equal(findJsonNestingExcess('{"open": "never closed [[[[[[', 2), undefined);
  assert.equal(findJsonNestingExcess(']]]]}}}', 1), undefined);
});

test('100,000 levels are found without recursion, with protobuf\'s text', () => {
  const excess = findJsonNestingExcess(`{"contents":${nested(100_000)}}`);
  assert.ok(excess);
  assert.equal(describeJsonNestingExcess(excess), "Message too deep. Max recursion depth reached for key 'contents'");
});
