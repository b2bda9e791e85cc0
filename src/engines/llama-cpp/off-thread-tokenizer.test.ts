import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LlamaText, SpecialToken, SpecialTokensText } from 'node-llama-cpp';
import { tinyChatModel } from '../../../test/fixtures/test-models.js';
import { loadLlamaModel, type LoadedLlamaModel } from './load-llama-model.js';
import { BULK_PROMPT_CHARS, OffThreadTokenizer } from './off-thread-tokenizer.js';
import { promptTextLength } from './render-prompt.js';

const closed = () => new Error('tokenizer closed');

describe('OffThreadTokenizer (tiny-chat)', { timeout: 120_000 }, () => {
  let loaded: LoadedLlamaModel;
  let path: string;
  let tokenizer: OffThreadTokenizer;
  before(async () => {
    path = (await tinyChatModel()).path;
    loaded = await loadLlamaModel(path);
    tokenizer = new OffThreadTokenizer(path, closed);
  });
  after(async () => {
    await tokenizer?.dispose();
    await loaded?.dispose();
  });

  const texts = [
    LlamaText(['hello world']),
    LlamaText([new SpecialToken('BOS'), new SpecialTokensText('<|im_start|>user\n'), ' leading space, é€😀 <|im_end|> as text', new SpecialTokensText('<|im_end|>\n')]),
    LlamaText(['once upon a time '.repeat(5_000)]),
  ];

  it('gives exactly the tokens LlamaText.tokenize gives on the loaded model, special tokens included', async () => {
    for (const text of texts) {
      const off = await tokenizer.tokenize(text, promptTextLength(text));
      assert.deepEqual(Array.from(off), text.tokenize(loaded.model.tokenizer));
    }
  });

  it('runs concurrent prompts on both lanes, each answered with its own tokens', async () => {
    const bulk = LlamaText(['a b c '.repeat(BULK_PROMPT_CHARS / 6 + 1)]);
    const all = [...texts, bulk];
    const answers = await Promise.all(all.map((t) => tokenizer.count(t, promptTextLength(t))));
    assert.deepEqual(answers, all.map((t) => t.tokenize(loaded.model.tokenizer).length));
  });

  it('keeps the event loop free while it tokenizes a long prompt', async () => {
    const long = LlamaText(['the quick brown fox jumps over the lazy dog. '.repeat(40_000)]); // 1.8 MB
    await tokenizer.tokenize(LlamaText(['warm']), BULK_PROMPT_CHARS + 1); // the bulk lane's process is started
    let worst = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    const tokens = await tokenizer.count(long, promptTextLength(long));
    const took = performance.now() - started;
    clearInterval(timer);
    assert.ok(tokens > 100_000);
    // On the event loop the whole tokenization would be one stall; a loaded host (tests share
    // its cores) may still hold the loop now and then, so the stall is compared with that time.
    assert.ok(took > 100, `took ${took.toFixed(0)} ms: long enough to have stalled the loop`);
    assert.ok(worst < took / 3, `the event loop was held ${worst.toFixed(0)} ms of ${took.toFixed(0)}`);
  });

  it('drops a queued job whose signal aborts; an aborted job in flight has its process killed, the next one gets a new one', async () => {
    const lane = BULK_PROMPT_CHARS + 1;
    const inFlight = new AbortController();
    const queued = new AbortController();
    const long = LlamaText(['the quick brown fox jumps over the lazy dog. '.repeat(40_000)]);
    const busy = tokenizer.count(long, lane, inFlight.signal);
    const waiting = tokenizer.count(texts[0], lane, queued.signal);
    queued.abort(new Error('client left the queue'));
    await assert.rejects(waiting, /client left the queue/);
    await new Promise((r) => setTimeout(r, 200));
    const t = performance.now();
    inFlight.abort(new Error('client left'));
    await assert.rejects(busy, /client left/);
    assert.equal(await tokenizer.count(texts[0], lane), texts[0].tokenize(loaded.model.tokenizer).length);
    assert.ok(performance.now() - t < 30_000);
  });

  it('fails jobs with the closed error once disposed, and refuses new ones', async () => {
    const own = new OffThreadTokenizer(path, closed);
    const pending = assert.rejects(own.tokenize(texts[2], promptTextLength(texts[2])), /tokenizer closed/);
    await own.dispose();
    await pending;
    await assert.rejects(own.tokenize(texts[0], 1), /tokenizer closed/);
  });

  it('fails a job, not the server, when the tokenizer process cannot load the model', async () => {
    const broken = new OffThreadTokenizer('/nonexistent/model.gguf', closed);
    try {
      await assert.rejects(broken.tokenize(texts[0], 1), /could not load the model/);
    } finally {
      await broken.dispose();
    }
  });
});
