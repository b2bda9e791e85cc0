import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatMessage } from '../../core/engine.js';
import { countPromptTokens, type TokenCountingApi } from './count-prompt-tokens.js';
import type { OpenAiMessage } from './convert-to-openai-messages.js';

/** A fake llama-server: 1 token per character of text, 10 per image, 7 per audio clip, 3 of template per message. */
const fake: TokenCountingApi = {
  async inputTokens(messages: OpenAiMessage[]) {
    let n = 0;
    for (const m of messages) {
      n += 3;
      if (typeof m.content === 'string') n += m.content.length;
      else for (const p of m.content ?? []) n += p.type === 'text' ? p.text.length : p.type === 'image_url' ? 10 : 7;
    }
    return n;
  },
  async textTokens(text: string) { return text.length; },
};

const img = { type: 'image' as const, mimeType: 'image/png', data: new Uint8Array([1]) };

it('counts text-only prompts with one call and no split', async () => {
  assert.deepEqual(await countPromptTokens(fake, [{ role: 'user', parts: [{ type: 'text', text: 'abcd' }] }]), { total: 7 });
});

it('splits media by source modality and gives TEXT the rest', async () => {
  const messages: ChatMessage[] = [{
    role: 'user',
    parts: [
      { type: 'text', text: 'hi' }, img, { ...img, source: 'VIDEO' }, { ...img, source: 'VIDEO' },
      { type: 'audio', mimeType: 'audio/wav', data: new Uint8Array([1]) },
      { type: 'text', text: 'pdf', source: 'DOCUMENT' },
    ],
  }];
  const count = await countPromptTokens(fake, messages);
  assert.equal(count.total, 3 + 2 + 10 + 20 + 7 + 3);
  assert.deepEqual(count.byModality, { IMAGE: 10, VIDEO: 20, AUDIO: 7, DOCUMENT: 3, TEXT: 5 });
});
