import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration, type Engine, type GenerateEvent, type GenerateInput } from '../../core/engine.js';
import { Errors } from '../../core/errors.js';
import { runEngineConformance } from '../engine-conformance.case.js';
import { FakeEngine } from '../fake/fake-engine.js';
import { RoutedEngine } from './routed-engine.js';

runEngineConformance('routed (two fake engines)', async () =>
  new RoutedEngine({ routes: [{ engine: new FakeEngine({ label: 'a' }), weight: 9 }, { engine: new FakeEngine({ label: 'b' }), weight: 1 }] }));
// Members embedding with vectors of one length: the routed engine embeds too.
runEngineConformance('routed (two embedding fake engines)', async () => new RoutedEngine({
  routes: [{ engine: new FakeEngine({ label: 'a', embeddingDimensions: 8 }), weight: 1 }, { engine: new FakeEngine({ label: 'b', embeddingDimensions: 8 }), weight: 1 }],
}));

const input = (): GenerateInput => ({
  messages: [{ role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
  sampling: { maxOutputTokens: 8, stopSequences: [] },
  candidateCount: 1,
  signal: new AbortController().signal,
});

/** An engine that fails with `error` before any output, counting its calls. */
function failing(label: string, error: () => Error): Engine & { calls: number } {
  const engine = new FakeEngine({ label });
  return Object.assign(engine, {
    calls: 0,
    async *stream(): AsyncGenerator<GenerateEvent> {
      (this as { calls: number }).calls++;
      yield { type: 'prompt', promptTokens: 1 };
      throw error();
    },
  });
}

async function promptEngine(engine: Engine): Promise<string | undefined> {
  for await (const ev of engine.stream(input())) if (ev.type === 'prompt') return ev.engine;
  return undefined;
}

describe('RoutedEngine', () => {
  it('splits traffic by weight and names the engine that took the request', async () => {
    const values = [0.05, 0.85, 0.95, 0.5];
    const routed = new RoutedEngine({
      routes: [{ engine: new FakeEngine({ label: 'stable' }), weight: 90 }, { engine: new FakeEngine({ label: 'canary' }), weight: 10 }],
      random: () => values.shift()!,
    });
    assert.deepEqual([await promptEngine(routed), await promptEngine(routed), await promptEngine(routed), await promptEngine(routed)],
      ['stable', 'stable', 'canary', 'stable']);
    let canary = 0;
    const seeded = new RoutedEngine({ routes: [{ engine: new FakeEngine({ label: 's' }), weight: 90 }, { engine: new FakeEngine({ label: 'c' }), weight: 10 }] });
    for (let i = 0; i < 2000; i++) if (seeded.order()[0].label === 'c') canary++;
    assert.ok(canary > 120 && canary < 290, `about 10% canary, got ${canary}/2000`);
  });

  it('moves a request that failed before any output to the next route, then to the fallbacks', async () => {
    const down = failing('down', () => Errors.overloaded());
    const alsoDown = failing('also-down', () => new Error('connection reset'));
    const routed = new RoutedEngine({ routes: [{ engine: down, weight: 1 }, { engine: alsoDown, weight: 1 }], fallback: [new FakeEngine({ label: 'backup' })], random: () => 0 });
    const events = [];
    for await (const ev of routed.stream(input())) events.push(ev);
    assert.equal(events[0].type === 'prompt' && events[0].engine, 'backup');
    assert.equal(events.filter((e) => e.type === 'prompt').length, 1, 'one prompt event: the failed engines\' are dropped');
    assert.equal(down.calls + alsoDown.calls, 2);
    assert.ok((await collectGeneration(routed.stream(input()))).candidates[0].text.length > 0);
  });

  it('never moves a request the engine refused as invalid, nor one that already produced output', async () => {
    const invalid = failing('strict', () => Errors.invalidArgument('bad request', 'contents'));
    const backup = failing('backup', () => new Error('must not be called'));
    const routed = new RoutedEngine({ routes: [{ engine: invalid, weight: 1 }], fallback: [backup] });
    await assert.rejects(collectGeneration(routed.stream(input())), /bad request/);
    assert.equal(backup.calls, 0);

    const midway = new FakeEngine({ label: 'midway', failAfterTokens: 2 });
    const spare = failing('spare', () => new Error('must not be called'));
    const routed2 = new RoutedEngine({ routes: [{ engine: midway, weight: 1 }], fallback: [spare] });
    await assert.rejects(collectGeneration(routed2.stream(input())), /failAfterTokens/);
    assert.equal(spare.calls, 0);
  });

  it('warms and releases cached prefixes on every member that keeps them, even when one fails', async () => {
    const calls: string[] = [];
    const keeper = (label: string, fail = false) => Object.assign(new FakeEngine({ label }), {
      async warmCachedPrefix(inp: { id: string }) {
        calls.push(`warm ${label} ${inp.id}`);
        if (fail) throw new Error(`${label} cannot warm`);
      },
      async releaseCachedPrefix(id: string) {
        calls.push(`release ${label} ${id}`);
        if (fail) throw new Error(`${label} cannot release`);
      },
    });
    const a = keeper('a', true);
    const b = keeper('b');
    const plain = new FakeEngine({ label: 'plain' }); // keeps no state: skipped
    const routed = new RoutedEngine({ routes: [{ engine: a, weight: 1 }, { engine: plain, weight: 1 }, { engine: b, weight: 1 }], fallback: [b] });
    const warm = { id: 'c1', messages: input().messages, signal: new AbortController().signal };
    await assert.rejects(routed.warmCachedPrefix(warm), /a cannot warm/);
    await assert.rejects(routed.releaseCachedPrefix('c1'), /a cannot release/);
    assert.deepEqual(calls.sort(), ['release a c1', 'release b c1', 'warm a c1', 'warm b c1'], 'b once each, although it is also a fallback');
    calls.length = 0;
    const fine = new RoutedEngine({ routes: [{ engine: keeper('x'), weight: 1 }, { engine: plain, weight: 1 }] });
    await fine.warmCachedPrefix(warm);
    await fine.releaseCachedPrefix('c1');
    assert.deepEqual(calls, ['warm x c1', 'release x c1']);
  });

  it('embeds by weight, moves a failed embedding on, and offers embeddings only when every engine has vectors of one length', async () => {
    const signal = new AbortController().signal;
    const down = Object.assign(new FakeEngine({ label: 'down', embeddingDimensions: 8 }), {
      embed: async () => { throw Errors.overloaded(); },
    });
    const up = new FakeEngine({ label: 'up', embeddingDimensions: 8 });
    const routed = new RoutedEngine({ routes: [{ engine: down, weight: 1 }], fallback: [up], random: () => 0 });
    assert.deepEqual(routed.capabilities.embeddings, { dimensions: 8 });
    const { vectors } = await routed.embed({ texts: ['a', 'b'], signal });
    assert.deepEqual(vectors, (await up.embed({ texts: ['a', 'b'], signal })).vectors);

    const refusing = Object.assign(new FakeEngine({ label: 'refusing', embeddingDimensions: 8 }), {
      embed: async () => { throw Errors.invalidArgument('bad text'); },
    });
    const strict = new RoutedEngine({ routes: [{ engine: refusing, weight: 1 }], fallback: [up] });
    await assert.rejects(strict.embed({ texts: ['a'], signal }), /bad text/);

    const mixed = new RoutedEngine({ routes: [{ engine: up, weight: 1 }, { engine: new FakeEngine({ embeddingDimensions: 16 }), weight: 1 }] });
    assert.equal(mixed.capabilities.embeddings, undefined);
    const partly = new RoutedEngine({ routes: [{ engine: up, weight: 1 }], fallback: [new FakeEngine()] });
    assert.equal(partly.capabilities.embeddings, undefined);
    await assert.rejects(partly.embed({ texts: ['a'], signal }), (e: Error & { code?: string }) => e.code !== undefined);
  });

  it('sends a thought signature back only to the engine that issued it; the others never see it', async () => {
    /** An engine that signs its call with `sig` and records the messages it was sent. */
    const signing = (label: string, sig?: string) => {
      const seen: GenerateInput['messages'][] = [];
      const engine = Object.assign(new FakeEngine({ label }), {
        seen,
        async *stream(i: GenerateInput): AsyncGenerator<GenerateEvent> {
          seen.push(i.messages);
          yield { type: 'prompt', promptTokens: 1 };
          yield { type: 'function-call', candidate: 0, name: 'f', args: {}, tokens: 1, ...(sig ? { thoughtSignature: sig } : {}) };
          yield { type: 'finish', candidate: 0, reason: 'stop' };
        },
      });
      return engine;
    };
    const google = signing('google', 'R09PR0xFLTE=');
    const local = signing('local');
    const picks = [0, 0.9, 0];
    const routed = new RoutedEngine({ routes: [{ engine: google, weight: 1 }, { engine: local, weight: 1 }], random: () => picks.shift()! });
    assert.equal(routed.capabilities.thoughtSignatures, undefined, 'no member issues its own');

    const first = await collectGeneration(routed.stream(input()));
    assert.deepEqual(first.candidates[0].parts, [{ type: 'function-call', name: 'f', args: {}, thoughtSignature: 'R09PR0xFLTE=' }]);
    const history = (): GenerateInput => ({
      ...input(),
      messages: [
        { role: 'user', parts: [{ type: 'text', text: 'hi' }] },
        { role: 'model', parts: [
          { type: 'text', text: 'elsewhere', thoughtSignature: 'T1RIRVI=' },
          { type: 'function-call', name: 'f', args: {}, thoughtSignature: 'R09PR0xFLTE=' },
        ] },
        { role: 'user', parts: [{ type: 'function-response', name: 'f', response: {} }] },
      ],
    });
    await collectGeneration(routed.stream(history()));
    assert.deepEqual(local.seen[0][1].parts, [{ type: 'text', text: 'elsewhere' }, { type: 'function-call', name: 'f', args: {} }], 'the other engine sees none');
    await collectGeneration(routed.stream(history()));
    assert.deepEqual(google.seen[1][1].parts, [
      { type: 'text', text: 'elsewhere' }, { type: 'function-call', name: 'f', args: {}, thoughtSignature: 'R09PR0xFLTE=' },
    ], 'its issuer gets its own back, and only its own');
  });

  it('offers only what every engine can do', () => {
    const full = Object.assign(new FakeEngine(), { capabilities: { maxCandidates: 8, contextTokens: 8192, functionCalling: true, thinking: true } });
    const small = Object.assign(new FakeEngine(), { capabilities: { maxCandidates: 1, contextTokens: 2048, functionCalling: true } });
    const routed = new RoutedEngine({ routes: [{ engine: full, weight: 1 }, { engine: small, weight: 1 }] });
    assert.deepEqual(routed.capabilities, { maxCandidates: 1, contextTokens: 2048, functionCalling: true });
  });
});
