import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatHistoryItem, ChatWrapper, LlamaText } from 'node-llama-cpp';
import { tinyChatModel } from '../../../test/fixtures/test-models.js';
import { loadLlamaModel, type LoadedLlamaModel } from './load-llama-model.js';
import { renderPromptTokens } from './render-prompt.js';
import { commonPrefixLength, renderPrefixTokens } from './render-prefix-tokens.js';
import { resolveChatWrapperFor } from './resolve-chat-wrapper.js';

describe('renderPrefixTokens (tiny-chat, ChatML)', { timeout: 60_000 }, () => {
  let loaded: LoadedLlamaModel;
  let wrapper: ChatWrapper;
  before(async () => {
    loaded = await loadLlamaModel((await tinyChatModel()).path);
    wrapper = resolveChatWrapperFor(loaded.model);
  });
  after(async () => { await loaded?.dispose(); });

  const prefix: ChatHistoryItem[] = [{ type: 'system', text: 'Be brief.' }, { type: 'user', text: 'A long document.' }];

  const tokenize = async (text: LlamaText) => text.tokenize(loaded.model.tokenizer);

  it('keeps the prefix\'s turns, not its generation prompt: a prefix of every continuation\'s prompt', async () => {
    const { tokenizer } = loaded.model;
    const shared = await renderPrefixTokens(wrapper, tokenize, prefix);
    const alone = renderPromptTokens(wrapper, tokenizer, prefix);
    assert.ok(shared.length > 0 && shared.length < alone.length, 'shorter than the prefix rendered with its generation prompt');
    const text = loaded.model.detokenize(shared, true);
    assert.ok(text.includes('A long document.') && !text.includes('assistant'), text);
    for (const next of [
      [{ type: 'user', text: 'And a question?' }],
      [{ type: 'model', response: ['An answer.'] }, { type: 'user', text: 'More?' }],
    ] satisfies ChatHistoryItem[][]) {
      const prompt = renderPromptTokens(wrapper, tokenizer, [...prefix, ...next]);
      assert.equal(commonPrefixLength(shared, prompt), shared.length);
    }
  });

  it('keeps nothing when the template renders too few of the conversations', async () => {
    const refusing = new Proxy(wrapper, {
      get: (target, prop, receiver) => (prop === 'generateContextState' ? () => { throw new Error('roles must alternate'); } : Reflect.get(target, prop, receiver)),
    });
    assert.deepEqual(await renderPrefixTokens(refusing, tokenize, prefix), []);
  });

  it('commonPrefixLength counts leading equal tokens', () => {
    assert.equal(commonPrefixLength([], []), 0);
    assert.equal(commonPrefixLength([1, 2, 3] as never, [1, 2, 4] as never), 2);
    assert.equal(commonPrefixLength([1, 2] as never, [1, 2, 3] as never), 2);
  });
});
