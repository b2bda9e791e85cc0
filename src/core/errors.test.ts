import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ERROR_CATALOG, ERROR_CODES, Errors, FROM_UPSTREAM, GemserveError, GOOGLE_STATUS_HTTP, toGemserveError, type ErrorCode, type PassThroughCode,
} from './errors.js';

test('an error takes its status, kind and retryable flag from its code in the catalog', () => {
  for (const code of ERROR_CODES) {
    const spec = ERROR_CATALOG[code];
    if (spec.status === FROM_UPSTREAM) continue;
    const e = new GemserveError({ code: code as Exclude<ErrorCode, PassThroughCode>, message: 'm' });
    assert.deepEqual(
      [e.code, e.status, e.httpStatus, e.kind, e.retryable],
      [code, spec.status, GOOGLE_STATUS_HTTP[spec.status], spec.kind, spec.retryable],
      code,
    );
  }
});

test('the factories build errors of their code with the catalog entry', () => {
  const cases: Array<[GemserveError, ErrorCode, number, 'user' | 'system', boolean]> = [
    [Errors.invalidArgument('bad', 'contents'), 'INVALID_ARGUMENT', 400, 'user', false],
    [Errors.fileNotFound('abc'), 'FILE_NOT_FOUND', 403, 'user', false],
    [Errors.cachedContentNotFound(), 'CACHED_CONTENT_NOT_FOUND', 403, 'user', false],
    [Errors.quotaExceeded([], 1000), 'QUOTA_EXCEEDED', 429, 'user', true],
    [Errors.mediaToolMissing('f', 'audio', 'pocketsphinx', 'pocketsphinx'), 'MEDIA_TOOL_MISSING', 400, 'system', false],
    [Errors.overloaded(), 'OVERLOADED', 503, 'system', true],
    [Errors.modelGetNotFound('x', 'v1beta'), 'MODEL_NOT_FOUND', 404, 'user', false],
    [Errors.circuitOpen('u', 10), 'CIRCUIT_OPEN', 503, 'system', true],
  ];
  for (const [e, code, http, kind, retryable] of cases) {
    assert.deepEqual([e.code, e.httpStatus, e.kind, e.retryable], [code, http, kind, retryable], code);
  }
});

test("UPSTREAM_REJECTED carries the upstream's status; retryable only as RESOURCE_EXHAUSTED", () => {
  const limited = Errors.upstreamRejected('RESOURCE_EXHAUSTED', 'slow down', [{ '@type': 'x' }], { 'retry-after': '3' });
  assert.deepEqual([limited.status, limited.httpStatus, limited.kind, limited.retryable], ['RESOURCE_EXHAUSTED', 429, 'user', true]);
  assert.deepEqual([limited.details, limited.headers], [[{ '@type': 'x' }], { 'retry-after': '3' }]);
  const refused = Errors.upstreamRejected('PERMISSION_DENIED', 'no');
  assert.deepEqual([refused.status, refused.httpStatus, refused.retryable], ['PERMISSION_DENIED', 403, false]);
});

test('every catalog entry is complete: an UPPER_SNAKE code, a known status and a description', () => {
  for (const code of ERROR_CODES) {
    const spec = ERROR_CATALOG[code];
    assert.match(code, /^[A-Z][A-Z0-9_]*$/);
    assert.ok(spec.status === FROM_UPSTREAM || spec.status in GOOGLE_STATUS_HTTP, code);
    assert.match(spec.description, /^[A-Z`].*\.$/s, `${code}: a sentence saying when it is used`);
  }
});

test('toGemserveError keeps catalog errors and wraps anything else as INTERNAL with its cause', () => {
  const known = Errors.notReady();
  assert.equal(toGemserveError(known), known);
  const cause = new Error('boom');
  const wrapped = toGemserveError(cause);
  assert.deepEqual([wrapped.code, wrapped.httpStatus, wrapped.cause], ['INTERNAL', 500, cause]);
  assert.doesNotMatch(wrapped.message, /boom/);
});
