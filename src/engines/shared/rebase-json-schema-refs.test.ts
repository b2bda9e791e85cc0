import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebaseJsonSchemaRefs } from './rebase-json-schema-refs.js';

test('local references move under the base; anchors, data and other references stay', () => {
  assert.deepEqual(rebaseJsonSchemaRefs({
    properties: { a: { $ref: '#/$defs/a' }, self: { $ref: '#' }, named: { $ref: '#me' }, far: { $ref: 'other.json#/x' } },
    const: { $ref: '#/data' }, $defs: { a: { items: [{ $ref: '#/$defs/a' }] } },
  }, '#/$defs/f'), {
    properties: { a: { $ref: '#/$defs/f/$defs/a' }, self: { $ref: '#/$defs/f' }, named: { $ref: '#me' }, far: { $ref: 'other.json#/x' } },
    const: { $ref: '#/data' }, $defs: { a: { items: [{ $ref: '#/$defs/f/$defs/a' }] } },
  });
});
