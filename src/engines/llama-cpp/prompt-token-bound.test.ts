import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LlamaText, SpecialToken, SpecialTokensText, type ChatHistoryItem, type LlamaModel } from 'node-llama-cpp';
import { testModels, thinkingChatModel, type TestModel } from '../../../test/fixtures/test-models.js';
import { loadLlamaModel, type LoadedLlamaModel } from './load-llama-model.js';
import { countSignificantBytes, promptTokensAtLeast, readMaxTokenBytes } from './prompt-token-bound.js';
import { renderPromptText } from './render-prompt.js';
import { resolveChatWrapperFor } from './resolve-chat-wrapper.js';

/** A model as far as `readMaxTokenBytes` reads one: its vocabulary type and GGUF metadata. */
function vocabOf(vocabularyType: string, tokens: string[], merges?: string[]): LlamaModel {
  return { vocabularyType, fileInfo: { metadata: { tokenizer: { ggml: { tokens, ...(merges ? { merges } : {}) } } } } } as unknown as LlamaModel;
}

/** GPT-2's 256 byte characters (openai/gpt-2 src/encoder.py `bytes_to_unicode`). */
function byteLevelAlphabet(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : next++));
}

describe('readMaxTokenBytes', () => {
  it('is the longest token text in UTF-8 bytes for SentencePiece', () => {
    assert.equal(readMaxTokenBytes(vocabOf('spm', ['<unk>', '▁the', '▁hello▁world', 'é'])), Buffer.byteLength('▁hello▁world'));
  });

  it('holds for byte-level BPE only when every byte and every merge is a token', () => {
    const bytes = byteLevelAlphabet();
    const closed = [...bytes, 'Ġt', 'he', 'Ġthe'];
    assert.equal(readMaxTokenBytes(vocabOf('bpe', closed, ['Ġ t', 'h e', 'Ġt he'])), Buffer.byteLength('Ġthe'));
    assert.equal(readMaxTokenBytes(vocabOf('bpe', closed)), Buffer.byteLength('Ġthe'), 'no merges listed');
  });

  it('is undefined when a byte could be dropped, or for normalising tokenizers', () => {
    const bytes = byteLevelAlphabet();
    assert.equal(readMaxTokenBytes(vocabOf('bpe', bytes.slice(1))), undefined, 'a byte with no token');
    assert.equal(readMaxTokenBytes(vocabOf('bpe', bytes, ['a b'])), undefined, "a merge whose result 'ab' is no token");
    assert.equal(readMaxTokenBytes(vocabOf('wpm', ['[UNK]', 'hello'])), undefined);
    assert.equal(readMaxTokenBytes(vocabOf('ugm', ['<unk>', '▁hello'])), undefined);
    assert.equal(readMaxTokenBytes(vocabOf('spm', [])), undefined);
  });
});

describe('countSignificantBytes', () => {
  it("is the UTF-8 length without ASCII whitespace, a lone surrogate as U+FFFD's 3 bytes", async () => {
    for (const s of ['', 'abc', ' a\tb\nc\r\v\f', 'é€😀', 'x\uD800y', 'x\uDC00', '\u00a0\u3000 ']) {
      const whitespace = [...s].filter((c) => /^[ \t\n\v\f\r]$/.test(c)).length;
      assert.equal(await countSignificantBytes(s), Buffer.byteLength(s, 'utf8') - whitespace, JSON.stringify(s));
    }
  });

  it('counts a surrogate pair split across its scan slices once', async () => {
    const s = 'a'.repeat((1 << 20) - 1) + '😀' + ' b';
    assert.equal(await countSignificantBytes(s), Buffer.byteLength(s) - 1);
  });
});

describe('promptTokensAtLeast', () => {
  it('counts runs between special tokens apart, one token less each', async () => {
    const text = LlamaText([new SpecialToken('BOS'), 'abcdefgh', new SpecialTokensText('<|im_start|>'), 'ab cd']);
    // runs: 'abcdefgh' (8 bytes: 4 tokens of 2 at most), '<|im_start|>' (12: 6), 'abcd' (4: 2); each less one
    assert.equal(await promptTokensAtLeast(text, 2), 3 + 5 + 1);
  });
});

/** Texts meant to tokenize into as few tokens as possible for their size, and ordinary ones. */
function hardTexts(special: string[]): string[] {
  const words = ['hello', 'the', 'world', 'and', 'once', 'upon', 'a', 'time'];
  const random = (n: number, seed: number) => {
    let x = seed;
    return Array.from({ length: n }, () => words[(x = (x * 1103515245 + 12345) % 2 ** 31) % words.length]).join(' ');
  };
  return [
    random(2000, 1), random(500, 2).replaceAll(' ', ''), ' '.repeat(5000), '\n'.repeat(3000) + 'x', 'a'.repeat(4000),
    'é€😀中文'.repeat(400), `${special.join('   ')}  ${'   '.repeat(100)}`.repeat(20), 'x\uD800'.repeat(500),
    Array.from({ length: 3000 }, (_, i) => String.fromCharCode(32 + (i * 7919) % 95)).join(''),
  ];
}

const models: TestModel[] = [...await testModels(), await thinkingChatModel()];
for (const m of models) {
  describe(`the bound on ${m.name}: never above the real count`, () => {
    let loaded: LoadedLlamaModel;
    before(async () => { loaded = await loadLlamaModel(m.path); });
    after(async () => { await loaded?.dispose(); });

    it('holds for hard texts rendered through the model\'s chat wrapper, and is not vacuous', async () => {
      const maxTokenBytes = readMaxTokenBytes(loaded.model);
      assert.ok(maxTokenBytes !== undefined && maxTokenBytes > 0, `the test models are SentencePiece (${loaded.model.vocabularyType})`);
      const wrapper = resolveChatWrapperFor(loaded.model);
      const special = ['<|im_start|>', '<|im_end|>', '<s>', '</s>', '<unk>'];
      for (const content of hardTexts(special)) {
        const history: ChatHistoryItem[] = [{ type: 'system', text: content.slice(0, 100) }, { type: 'user', text: content }];
        const text = renderPromptText(wrapper, history);
        const tokens = text.tokenize(loaded.model.tokenizer).length;
        const atLeast = await promptTokensAtLeast(text, maxTokenBytes);
        assert.ok(atLeast <= tokens, `bound ${atLeast} > ${tokens} tokens for ${JSON.stringify(content.slice(0, 40))}`);
      }
      const prose = renderPromptText(wrapper, [{ type: 'user', text: hardTexts([])[0] }]);
      const ratio = prose.tokenize(loaded.model.tokenizer).length / await promptTokensAtLeast(prose, maxTokenBytes);
      assert.ok(ratio < 8, `prose bound within 8x of its count (${ratio.toFixed(1)})`);
    });
  });
}
