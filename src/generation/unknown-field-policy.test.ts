import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGemserveError } from '../core/errors.js';
import { parseCountTokensRequest, parseGenerateContentRequest } from './parse-gemini-request.js';
import { MAX_LISTED_UNKNOWN_FIELDS, MAX_REPORTED_PATHS, acceptUnknownFields, applyUnknownFieldPolicy } from './unknown-field-policy.js';

const contents = [{ role: 'user', parts: [{ text: 'hi' }] }];

/** The error a call throws, or a failure when it throws none. */
function errorOf(f: () => unknown) {
  try {
    f();
  } catch (e) {
    assert.ok(isGemserveError(e));
    return e;
  }
  assert.fail('no error');
}

test('reject: the typo that lost a token limit is Google\'s 400, its BadRequest without a field', () => {
  const e = errorOf(() => parseGenerateContentRequest({ contents, 'gene,rationConfig': { maxOutputTokens: 5 } }));
  assert.equal(e.code, 'UNKNOWN_FIELD');
  assert.equal(e.httpStatus, 400);
  assert.equal(e.status, 'INVALID_ARGUMENT');
  assert.equal(e.message, 'Invalid JSON payload received. Unknown name "gene,rationConfig": Cannot find field.');
  assert.deepEqual(e.details, [{
    '@type': 'type.googleapis.com/google.rpc.BadRequest',
    fieldViolations: [{ description: 'Invalid JSON payload received. Unknown name "gene,rationConfig": Cannot find field.' }],
  }]);
});

test('reject: several unknowns in one message, one line and one violation each', () => {
  const e = errorOf(() => parseGenerateContentRequest({ contents, generation_config: { max_tokens: 5, top_p: 0.5 }, foo: 1 }));
  assert.equal(e.message, [
    'Invalid JSON payload received. Unknown name "max_tokens" at \'generation_config\': Cannot find field.',
    'Invalid JSON payload received. Unknown name "foo": Cannot find field.',
  ].join('\n'));
  const violations = (e.details?.[0] as unknown as { fieldViolations: Array<{ field?: string }> }).fieldViolations;
  assert.deepEqual(violations.map((v) => v.field), ['generation_config', undefined]);
});

test('reject: countTokens checks its nested generateContentRequest too', () => {
  const e = errorOf(() => parseCountTokensRequest({ generateContentRequest: { model: 'models/m', contents: [{ parts: [{ text: 'a', role: 'user' }] }] } }));
  assert.match(e.message, /Unknown name "role" at 'generate_content_request\.contents\[0\]\.parts\[0\]'/);
});

test('known spellings pass and are normalised as before', () => {
  const req = parseGenerateContentRequest({ contents, generation_config: { max_output_tokens: '7' }, system_instruction: { parts: [{ text: 's' }] } });
  assert.equal(req.generationConfig?.maxOutputTokens, 7);
  assert.equal(req.systemInstruction?.parts[0].text, 's');
});

test('the list in a message stops at the first hundred names', () => {
  const body: Record<string, unknown> = { contents };
  for (let i = 0; i < 150; i++) body[`x${i}`] = i;
  const e = errorOf(() => applyUnknownFieldPolicy(body, 'GenerateContentRequest'));
  assert.equal(e.message.split('\n').length, MAX_LISTED_UNKNOWN_FIELDS);
});

test('accept: unknown fields are dropped and each path told once, indices left out', () => {
  const told: string[] = [];
  const policy = acceptUnknownFields((p) => told.push(p));
  const body = () => ({
    contents: [{ parts: [{ text: 'a', tex: 'b' }] }, { parts: [{ text: 'c', tex: 'd' }] }],
    generationConfig: { maxOutputTokens: 5, max_tokens: 9 },
  });
  const req = parseGenerateContentRequest(body(), policy);
  assert.deepEqual(req, { contents: [{ parts: [{ text: 'a' }] }, { parts: [{ text: 'c' }] }], generationConfig: { maxOutputTokens: 5 } });
  parseGenerateContentRequest(body(), policy);
  assert.deepEqual(told, ['contents[].parts[].tex', 'generation_config.max_tokens']);
});

test('accept: the paths told are bounded, whatever names a client invents', () => {
  let told = 0;
  const policy = acceptUnknownFields(() => told++);
  for (let i = 0; i < MAX_REPORTED_PATHS + 50; i++) applyUnknownFieldPolicy({ contents, [`n${i}`]: 1 }, 'GenerateContentRequest', policy);
  assert.equal(told, MAX_REPORTED_PATHS);
});
