import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../core/engine.js';
import { chatPromptFields, convertToOpenAiMessages, withSystemText } from './convert-to-openai-messages.js';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

it('maps roles and sends text-only messages as one string', () => {
  const out = convertToOpenAiMessages([
    { role: 'system', parts: [{ type: 'text', text: 'S' }] },
    { role: 'user', parts: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
    { role: 'model', parts: [{ type: 'text', text: 'M' }] },
  ]);
  assert.deepEqual(out, [
    { role: 'system', content: 'S' },
    { role: 'user', content: 'ab' },
    { role: 'assistant', content: 'M' },
  ]);
});

it('sends media as data URIs and input_audio, merging adjacent text parts', () => {
  const messages: ChatMessage[] = [{
    role: 'user',
    parts: [
      { type: 'text', text: 'Look ' }, { type: 'text', text: 'here:' },
      { type: 'image', mimeType: 'image/png', data: png, source: 'VIDEO' },
      { type: 'audio', mimeType: 'audio/wav', data: png },
      { type: 'text', text: 'done' },
    ],
  }];
  assert.deepEqual(convertToOpenAiMessages(messages), [{
    role: 'user',
    content: [
      { type: 'text', text: 'Look here:' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } },
      { type: 'input_audio', input_audio: { data: 'iVBORw==', format: 'wav' } },
      { type: 'text', text: 'done' },
    ],
  }]);
});

it('duplicates the media parts the option selects, in place', () => {
  const messages: ChatMessage[] = [{
    role: 'user',
    parts: [{ type: 'image', mimeType: 'image/png', data: png }, { type: 'image', mimeType: 'image/jpeg', data: png, source: 'VIDEO' }],
  }];
  const out = convertToOpenAiMessages(messages, { duplicate: (p) => p.source === 'VIDEO' });
  const urls = (out[0].content as Array<{ image_url: { url: string } }>).map((p) => p.image_url.url.split(';')[0]);
  assert.deepEqual(urls, ['data:image/png', 'data:image/jpeg', 'data:image/jpeg']);
});

const history: ChatMessage[] = [
  { role: 'user', parts: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
  { role: 'model', parts: [
    { type: 'text', text: 'Checking.' },
    { type: 'function-call', name: 'weather', args: { city: 'Paris' } },
    { type: 'function-call', id: 'r1', name: 'weather', args: { city: 'Rome' } },
    { type: 'function-call', name: 'time', args: {} },
  ] },
  { role: 'user', parts: [
    { type: 'function-response', id: 'r1', name: 'weather', response: { t: 20 } },
    { type: 'function-response', name: 'time', response: { now: '12:00' } },
    { type: 'function-response', name: 'weather', response: { t: 15 } },
    { type: 'text', text: 'Thanks' },
  ] },
];

it('writes calls as tool_calls and responses as tool messages paired by id, then name, then order', () => {
  assert.deepEqual(convertToOpenAiMessages(history).slice(1), [
    { role: 'assistant', content: 'Checking.', tool_calls: [
      { id: 'call_1_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
      { id: 'r1', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
      { id: 'call_1_3', type: 'function', function: { name: 'time', arguments: '{}' } },
    ] },
    { role: 'tool', tool_call_id: 'r1', content: '{"t":20}' },
    { role: 'tool', tool_call_id: 'call_1_3', content: '{"now":"12:00"}' },
    { role: 'tool', tool_call_id: 'call_1_1', content: '{"t":15}' },
    { role: 'user', content: 'Thanks' },
  ]);
});

it('a model turn of calls only has null content; a final one with calls is not continued', () => {
  const out = convertToOpenAiMessages([history[0], { role: 'model', parts: [{ type: 'function-call', name: 'time', args: {} }] }]);
  assert.equal(out[1].content, null);
  assert.deepEqual(Object.keys(chatPromptFields(out)), ['messages']);
});

it('in the prompted format, calls and responses are JSON text after the turn\'s text', () => {
  const out = convertToOpenAiMessages(history, { tools: 'prompted' });
  assert.deepEqual(out.slice(1), [
    { role: 'assistant', content: 'Checking.\n{"tool_calls":[{"name":"weather","arguments":{"city":"Paris"}},{"name":"weather","arguments":{"city":"Rome"}},{"name":"time","arguments":{}}]}' },
    { role: 'user', content: 'Thanks\n{"tool_response":{"name":"weather","response":{"t":20}}}\n{"tool_response":{"name":"time","response":{"now":"12:00"}}}\n{"tool_response":{"name":"weather","response":{"t":15}}}' },
  ]);
});

it('adds text to the system message, or a system message first', () => {
  assert.deepEqual(withSystemText([{ role: 'system', content: 'S' }, { role: 'user', content: 'u' }], 'T'),
    [{ role: 'system', content: 'S\n\nT' }, { role: 'user', content: 'u' }]);
  assert.deepEqual(withSystemText([{ role: 'user', content: 'u' }], 'T'), [{ role: 'system', content: 'T' }, { role: 'user', content: 'u' }]);
});
