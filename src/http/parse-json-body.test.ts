import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { GemserveError } from '../core/errors.js';
import { parseJsonBody } from './parse-json-body.js';

function parse(text: string | Buffer): { err: Error | null; body?: unknown } {
  let out: { err: Error | null; body?: unknown } | undefined;
  parseJsonBody({} as FastifyRequest, text, (err, body) => { out = { err, body }; });
  assert.ok(out, 'done is called synchronously');
  return out;
}

const nested = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);

test('a body nested 100 levels parses; 101 levels is Google\'s 400 before JSON.parse', () => {
  assert.equal(parse(nested(100)).err, null);
  const { err } = parse(nested(101));
  assert.ok(err instanceof GemserveError);
  assert.equal(err.code, 'MALFORMED_JSON');
  assert.equal(err.status, 'INVALID_ARGUMENT');
  assert.equal(err.message, "Invalid JSON payload received. Message too deep. Max recursion depth reached for key 'a'");
});

test('Buffers, empty bodies and syntax errors behave as before', () => {
  assert.deepEqual(parse(Buffer.from('{"a":[1]}')).body, { a: [1] });
  assert.ok(parse(Buffer.from(nested(101))).err);
  assert.deepEqual(parse(' ').body, {});
  assert.match(parse('{"a":').err?.message ?? '', /^Invalid JSON payload received\. Unexpected end of string/);
  assert.match(parse('[1]').err?.message ?? '', /Root element must be a message/);
});

test('a syntax error V8 gives no position for, in a body starting with a newline, is a 400, not a RangeError', () => {
  // V8 words some errors without a position ("Unexpected token '<', \"\n<x\" is not valid JSON"): the excerpt starts at 0.
  for (const text of ['\n<x', '\n\n}', '\r\n\u00ff']) {
    const { err } = parse(text);
    assert.ok(err instanceof GemserveError, String(err));
    assert.equal(err.code, 'MALFORMED_JSON');
    assert.match(err.message, /^Invalid JSON payload received\. Unexpected token\.\n/);
  }
});
