import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatMLChatWrapper, GeneralChatWrapper, LlamaChat, type ChatWrapper, type LlamaContext } from 'node-llama-cpp';
import { testModels } from '../../../test/fixtures/test-models.js';
import { convertToChatHistory } from './convert-to-chat-history.js';
import { loadLlamaModel, type LoadedLlamaModel } from './load-llama-model.js';
import { PlainTextChatWrapper } from './plain-text-chat-wrapper.js';
import { maxPromptTokens, renderPromptTokens } from './render-prompt.js';
import { resolveChatWrapperFor } from './resolve-chat-wrapper.js';

const history = convertToChatHistory([
  { role: 'system', parts: [{ type: 'text', text: 'You tell stories.' }] },
  { role: 'user', parts: [{ type: 'text', text: 'Once upon a time' }] },
  { role: 'model', parts: [{ type: 'text', text: 'there was a cat.' }] },
  { role: 'user', parts: [{ type: 'text', text: 'And then?' }] },
]);

for (const m of await testModels()) {
  describe(`renderPromptTokens on ${m.name}`, () => {
    let loaded: LoadedLlamaModel;
    let context: LlamaContext;
    before(async () => {
      loaded = await loadLlamaModel(m.path);
      context = await loaded.model.createContext({ contextSize: 512, threads: 1 });
    });
    after(async () => {
      await context?.dispose();
      await loaded?.dispose();
    });

    it(`resolves ${m.hasChatTemplate ? "the GGUF's template" : 'the plain-text wrapper (no template)'}`, () => {
      const name = resolveChatWrapperFor(loaded.model).wrapperName;
      if (m.hasChatTemplate) assert.notEqual(name, 'PlainText');
      else assert.equal(name, 'PlainText');
    });

    const wrappers: Array<[string, () => ChatWrapper]> = [
      ['the resolved wrapper', () => resolveChatWrapperFor(loaded.model)],
      ['PlainText', () => new PlainTextChatWrapper()],
      ['ChatML', () => new ChatMLChatWrapper()],
      ['General', () => new GeneralChatWrapper()],
    ];
    for (const [label, make] of wrappers) {
      it(`equals the tokens LlamaChat evaluates (${label})`, async () => {
        const wrapper = make();
        const tokens = renderPromptTokens(wrapper, loaded.model.tokenizer, history);
        const sequence = context.getSequence();
        try {
          const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: wrapper });
          await chat.generateResponse(history, { maxTokens: 1 });
          // The one generated token is sampled but not evaluated: the sequence holds the prompt.
          assert.equal(sequence.nextTokenIndex, tokens.length);
          assert.deepEqual(sequence.contextTokens, tokens);
          chat.dispose();
        } finally {
          sequence.dispose();
        }
      });
    }
  });
}

describe('maxPromptTokens', () => {
  it("matches LlamaChat's limit: it keeps a prompt whole only while tokens + 1 < contextSize", () => {
    assert.equal(maxPromptTokens(512), 510);
  });
});
