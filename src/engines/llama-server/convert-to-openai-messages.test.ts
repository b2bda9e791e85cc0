import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../core/engine.js';
import { convertToOpenAiMessages } from './convert-to-openai-messages.js';

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
