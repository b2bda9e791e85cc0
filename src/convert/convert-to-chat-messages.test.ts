import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Part } from '../api/gemini/types.js';
import type { MessagePart } from '../core/engine.js';
import { isGemserveError } from '../core/errors.js';
import { convertToChatMessages } from './convert-to-chat-messages.js';
import { ThoughtSigner } from './thought-signer.js';

test('system instruction first, roles mapped, text parts kept', () => {
  const messages = convertToChatMessages(
    [
      { parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'hello' }, { text: '!' }] },
      { role: 'function', parts: [{ text: 'result' }] },
    ],
    { role: 'user', parts: [{ text: 'be brief' }] },
    'm',
  );
  assert.deepEqual(messages, [
    { role: 'system', parts: [{ type: 'text', text: 'be brief' }] },
    { role: 'user', parts: [{ type: 'text', text: 'hi' }] },
    { role: 'model', parts: [{ type: 'text', text: 'hello' }, { type: 'text', text: '!' }] },
    { role: 'user', parts: [{ type: 'text', text: 'result' }] },
  ]);
});

test('media parts the media step did not resolve are refused with a 400 naming them, never dropped', () => {
  const cases: Array<[object, RegExp]> = [
    [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }, /Input of type inlineData \(image\/png\) is not supported by models\/m/],
    [{ fileData: { fileUri: 'files/abc', mimeType: 'application/pdf' } }, /fileData \(application\/pdf\)/],
    [{ toolCall: { id: 'x' } }, /toolCall/],
  ];
  for (const [part, message] of cases) {
    assert.throws(() => convertToChatMessages([{ parts: [{ text: 'look' }, part as any] }], undefined, 'm'), (e: unknown) => {
      assert.ok(isGemserveError(e));
      assert.equal(e.httpStatus, 400);
      assert.equal(e.status, 'INVALID_ARGUMENT');
      assert.match(e.message, message);
      return true;
    });
  }
  assert.throws(() => convertToChatMessages([{ parts: [{ text: 'x' }] }], { parts: [{ inlineData: { mimeType: 'image/png', data: '' } }] }, 'm'));
});

test('media parts become the engine parts the media step made of them, in place', () => {
  const image: Part = { inlineData: { mimeType: 'image/png', data: 'AA==' } };
  const pdf: Part = { fileData: { fileUri: 'files/abc', mimeType: 'application/pdf' } };
  const pixels = new Uint8Array([1, 2, 3]);
  const media = new Map<Part, MessagePart[]>([
    [image, [{ type: 'image', mimeType: 'image/png', data: pixels }]],
    [pdf, [{ type: 'text', text: '[page 1]\nhi', source: 'DOCUMENT' }, { type: 'text', text: '[page 2]', source: 'DOCUMENT' }]],
  ]);
  const messages = convertToChatMessages([{ parts: [{ text: 'look' }, image, pdf, { text: '?' }] }], undefined, 'm', media);
  assert.deepEqual(messages[0].parts, [
    { type: 'text', text: 'look' },
    { type: 'image', mimeType: 'image/png', data: pixels },
    { type: 'text', text: '[page 1]\nhi', source: 'DOCUMENT' },
    { type: 'text', text: '[page 2]', source: 'DOCUMENT' },
    { type: 'text', text: '?' },
  ]);
  // The same wire part without a resolution is refused, as before.
  assert.throws(() => convertToChatMessages([{ parts: [{ ...image }] }], undefined, 'm', media), /Input of type inlineData/);
});

test('function calls and responses become engine parts; thoughts are dropped; code turns become fenced text', () => {
  const messages = convertToChatMessages([
    { role: 'user', parts: [{ text: 'weather?' }] },
    { role: 'model', parts: [
      { text: 'hmm', thought: true },
      { functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'c2ln' },
      { functionCall: { name: 'get_time' } },
    ] },
    { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'get_weather', response: { output: 'rain' } } }] },
    { role: 'model', parts: [{ executableCode: { language: 'PYTHON', code: 'print(1)' } }, { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n' } }] },
  ], undefined, 'm');
  assert.deepEqual(messages[1].parts, [
    { type: 'function-call', id: 'c1', name: 'get_weather', args: { city: 'Oslo' }, thoughtSignature: 'c2ln' },
    { type: 'function-call', name: 'get_time', args: {} },
  ]);
  assert.deepEqual(messages[2].parts, [{ type: 'function-response', id: 'c1', name: 'get_weather', response: { output: 'rain' } }]);
  assert.deepEqual(messages[3].parts.map((p) => (p.type === 'text' ? p.text : p.type)), ['```python\nprint(1)\n```', '\n```output\n1\n\n```\n']);
});

test('thought signatures go back to the engine as received, but gemserve\'s own; a signed thought keeps only its signature', () => {
  const ours = new ThoughtSigner().sign('r', 0, { kind: 'call', index: 0 });
  const [model] = convertToChatMessages([{ role: 'model', parts: [
    { text: 'hmm', thought: true, thoughtSignature: 'VEhPVUdIVA==' },
    { text: 'plain', thought: true },
    { text: 'ok', thoughtSignature: 'VEVYVA==' },
    { functionCall: { name: 'f', args: {} }, thoughtSignature: ours },
    { functionCall: { name: 'g', args: {} }, thoughtSignature: 'skip_thought_signature_validator' },
  ] }], undefined, 'm');
  assert.deepEqual(model.parts, [
    { type: 'text', text: '', thoughtSignature: 'VEhPVUdIVA==' },
    { type: 'text', text: 'ok', thoughtSignature: 'VEVYVA==' },
    { type: 'function-call', name: 'f', args: {} },
    { type: 'function-call', name: 'g', args: {}, thoughtSignature: 'skip_thought_signature_validator' },
  ]);
});
