import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { LlamaServerClient } from './llama-server-client.js';
import { readChatTraits } from './read-chat-traits.js';

/** A client rendering prompts like a template that does (or does not) react to enable_thinking. */
const client = (reacts: boolean) => ({
  async postJson(path: string, body: { chat_template_kwargs: { enable_thinking: boolean } }) {
    assert.equal(path, '/apply-template');
    return { prompt: reacts && !body.chat_template_kwargs.enable_thinking ? 'p<think></think>' : 'p' };
  },
}) as unknown as LlamaServerClient;

it('thinking when the template renders differently with enable_thinking; native tools when it calls them', async () => {
  assert.deepEqual(await readChatTraits(client(true), { chat_template_caps: { supports_tool_calls: true } }), { tools: 'native', thinking: true });
  assert.deepEqual(await readChatTraits(client(false), {}), { tools: 'prompted', thinking: false });
});
