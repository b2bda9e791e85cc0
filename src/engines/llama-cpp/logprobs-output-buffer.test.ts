import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LogprobsOutputBuffer, type OutputStops, type OutputUnit } from './logprobs-output-buffer.js';

let nextId = 100;
const unit = (text: string, tokens = [nextId++]): OutputUnit =>
  ({ text, tokens, logprobs: tokens.map((t) => ({ token: text, tokenId: t, logprob: -1, top: [] })) });
const texts = (units: OutputUnit[]) => units.map((u) => u.text).join('');
const stops = (over: Partial<OutputStops> = {}): OutputStops => ({ texts: [], tokenSequences: [], ...over });

/** Pushes the units; returns the streamed text, the tokens it accounts for, and whether it stopped. */
function run(buffer: LogprobsOutputBuffer, units: OutputUnit[]) {
  const out: OutputUnit[] = [];
  for (const u of units) {
    const { emit, stopped } = buffer.push(u);
    out.push(...emit);
    if (stopped) return { text: texts(out), tokens: out.flatMap((x) => x.tokens).length, stopped };
  }
  out.push(...buffer.finish());
  return { text: texts(out), tokens: out.flatMap((x) => x.tokens).length, stopped: false };
}

describe('LogprobsOutputBuffer', () => {
  it('streams each unit at once when nothing could be a stop', () => {
    const b = new LogprobsOutputBuffer(stops());
    assert.deepEqual(b.push(unit('Hi')).emit.map((u) => u.text), ['Hi']);
    assert.deepEqual(b.push(unit(' there')).emit.map((u) => u.text), [' there']);
  });

  it('holds a possible stop start, releases it once it is not one', () => {
    const b = new LogprobsOutputBuffer(stops({ texts: ['END'] }));
    assert.deepEqual(b.push(unit('x E')).emit, [], 'the unit ends with "E", held whole');
    assert.equal(texts(b.push(unit('ve')).emit), 'x Eve');
  });

  it('cuts at a stop: never in the output, its tokens not counted, a straddling unit keeps its start', () => {
    const r = run(new LogprobsOutputBuffer(stops({ texts: ['END'] })), [unit('a'), unit('bE'), unit('N'), unit('Dzz'), unit('q')]);
    assert.deepEqual(r, { text: 'ab', tokens: 2, stopped: true });
  });

  it('cuts at the earliest of several stops', () => {
    const r = run(new LogprobsOutputBuffer(stops({ texts: ['cd', 'b'] })), [unit('abcd')]);
    assert.deepEqual(r, { text: 'a', tokens: 1, stopped: true });
  });

  it('stops on a token sequence (special tokens), dropping its units', () => {
    const r = run(new LogprobsOutputBuffer(stops({ tokenSequences: [[1, 2]] })), [unit('a'), unit('', [1]), unit('', [2]), unit('b')]);
    assert.deepEqual(r, { text: 'a', tokens: 1, stopped: true });
    const single = run(new LogprobsOutputBuffer(stops({ tokenSequences: [[7]] })), [unit('a'), unit('', [7])]);
    assert.deepEqual(single, { text: 'a', tokens: 1, stopped: true });
  });

  it('releases held text that never became a stop when the output ends (all tokens counted)', () => {
    const r = run(new LogprobsOutputBuffer(stops({ texts: ['<|end|>'] })), [unit('a'), unit('<|'), unit('en')]);
    assert.deepEqual(r, { text: 'a<|en', tokens: 3, stopped: false });
  });

  it('trims trailing whitespace when asked, keeping its tokens', () => {
    const b = new LogprobsOutputBuffer(stops(), { trimWhitespaceSuffix: true });
    assert.equal(texts(b.push(unit('{}')).emit), '{}');
    assert.deepEqual(b.push(unit('\n')).emit, [], 'whitespace waits');
    assert.deepEqual(b.push(unit(' ')).emit, []);
    const end = b.finish();
    assert.equal(texts(end), '');
    assert.equal(end.length, 2, 'the whitespace tokens are still accounted for');
    const inner = new LogprobsOutputBuffer(stops(), { trimWhitespaceSuffix: true });
    assert.equal(run(inner, [unit('{'), unit(' '), unit('}')]).text, '{ }', 'whitespace inside stays');
  });
});
