/**
 * The two local engines on one GGUF, each behind gemserve's `:streamGenerateContent?alt=sse`:
 * the embedded node-llama-cpp engine (`llama-cpp`) and the managed llama.cpp child
 * (`llama-server`), both on the same thread count.
 *
 *   npx tsx bench/engine-compare.ts [--quick] [--reps 5] [--tokens 128] [--prompt-tokens 1000]
 *                                   [--streams 4] [--rounds 3] [--threads 1] [--context 2048] [--model PATH]
 *
 * Per engine:
 * - decode tokens/s: a short prompt, `--tokens` generated at temperature 0, counted from the
 *   first text chunk to the last (as stream-vs-direct); TTFT separately;
 * - prompt processing: a ~`--prompt-tokens` prompt and a few tokens out; prompt tokens / TTFT.
 *   TTFT also holds gemserve's prompt count (llama-server: one more HTTP call to the child), the
 *   round trip and the first token's decode, so this is the rate a client sees, a little under
 *   the engine's raw batch rate;
 * - aggregate tokens/s with 1 and `--streams` concurrent streams (engine parallel = streams), as
 *   concurrent-streams (all streams' tokens over the wall time, prompt evaluation included).
 *
 * Both engines are loaded at once, each in its own gemserve app, but never generate at the same
 * time; repetitions alternate the order (ABBA...) so drift in machine load hits both alike. The
 * single-stream measurements run with parallel 1 (one sequence / one slot), then both are
 * restarted with parallel = streams for the concurrency rounds. Every request's prompt starts
 * differently, so neither engine reuses an earlier evaluation (LlamaChat's prefix reuse,
 * llama-server's `cache_prompt`). Prompt tokens are each engine's own `usageMetadata` count of
 * the request (one untimed `:generateContent`, prompt-usage.ts): each renders its chat template.
 */
import type { GenerateContentRequest } from '../src/api/gemini/types.js';
import type { Engine } from '../src/core/engine.js';
import { createLlamaCppEngine } from '../src/engines/llama-cpp/llama-cpp-engine.js';
import { MODEL_OPTION, resolveBenchModel } from './lib/bench-model.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import { fillerText, sentencesForTokens } from './lib/filler-text.js';
import { BENCH_MODEL_ID } from './lib/llama-server.js';
import { modelSummary } from './lib/model-info.js';
import { printTable } from './lib/print-table.js';
import { promptUsage, type PromptUsage } from './lib/prompt-usage.js';
import { serveEngine, type ServedEngine } from './lib/serve-engine.js';
import { median, nowMs, percentile, round } from './lib/stats.js';
import { startLlamaServerEngine } from './lib/start-llama-server-engine.js';
import { decodeTokensPerSecond, streamGenerate, ttftMs, type StreamTiming } from './lib/stream-generate.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'engine-compare';
const ENGINES = ['llama-cpp', 'llama-server'] as const;
type EngineKind = (typeof ENGINES)[number];
const MAX_QUEUE = 64;
/** Tokens asked for after the long prompt: enough that one is sure to carry text. */
const PP_OUTPUT_TOKENS = 4;
const PROMPT = 'Tell me a long story about a lighthouse keeper who finds a message in a bottle, '
  + 'and describe the sea, the weather and every letter of the message in detail.';

const args = readBenchArgs(process.argv.slice(2), ['reps', 'tokens', 'prompt-tokens', 'streams', 'rounds', 'threads', 'context', MODEL_OPTION]);
const reps = intOption(args, 'reps', args.quick ? 2 : 5);
const maxTokens = intOption(args, 'tokens', args.quick ? 32 : 128);
const targetPromptTokens = intOption(args, 'prompt-tokens', args.quick ? 300 : 1000);
const streams = intOption(args, 'streams', 4);
const rounds = intOption(args, 'rounds', args.quick ? 1 : 3);
const threads = intOption(args, 'threads', 1);
const contextSize = intOption(args, 'context', 2048);
const head = resultsHead(NAME, args.quick);

const model = await resolveBenchModel(args);
console.log(`model ${modelSummary(model.info)}; threads ${threads}, context ${contextSize}/sequence, ${maxTokens} tokens, ` +
  `~${targetPromptTokens}-token prompt, ${reps} reps, ${streams} streams x ${rounds} round(s)${args.quick ? ' (QUICK)' : ''}`);

/** One engine served by gemserve, and what the results file says about it. */
interface Side {
  served: ServedEngine<Engine>;
  about: Record<string, unknown>;
}

async function openSide(kind: EngineKind, parallel: number): Promise<Side> {
  if (kind === 'llama-cpp') {
    const engine = await createLlamaCppEngine({ modelPath: model.path, threads, parallel, contextSize, maxQueue: MAX_QUEUE });
    const about = { threads: engine.threads, chatWrapper: engine.chatWrapperName, contextTokens: engine.capabilities.contextTokens, parallel };
    return { served: await serveEngine(engine), about };
  }
  const { engine, repack, version } = await startLlamaServerEngine({ modelPath: model.path, threads, parallel, contextSize, maxQueue: MAX_QUEUE });
  const about = { threads, version, repack, contextTokens: engine.capabilities.contextTokens, parallel };
  return { served: await serveEngine(engine), about };
}

/** Both engines at `parallel`, opened one after the other (the first closed if the second fails). */
async function openBoth(parallel: number): Promise<Record<EngineKind, Side>> {
  const first = await openSide('llama-cpp', parallel);
  try {
    return { 'llama-cpp': first, 'llama-server': await openSide('llama-server', parallel) };
  } catch (e) {
    await first.served.close();
    throw e;
  }
}

async function closeBoth(sides: Record<EngineKind, Side>): Promise<void> {
  for (const kind of ENGINES) await sides[kind].served.close();
}

/** A, B, B, A, A, B, ...: each engine goes first in half the repetitions. */
const abba = (i: number): readonly EngineKind[] => (i % 4 === 0 || i % 4 === 3 ? ENGINES : [...ENGINES].reverse());

const decodeRequest = (i: number): GenerateContentRequest => ({
  contents: [{ role: 'user', parts: [{ text: `Story ${i + 1}. ${PROMPT}` }] }],
  generationConfig: { temperature: 0, maxOutputTokens: maxTokens },
});

let ppSentences = 0;
const ppRequest = (i: number, sentences = ppSentences): GenerateContentRequest => ({
  contents: [{ role: 'user', parts: [{ text: `Document ${i + 1}. ${fillerText(sentences)}\nSum it up in one line.` }] }],
  generationConfig: { temperature: 0, maxOutputTokens: PP_OUTPUT_TOKENS },
});

/** Sentences for a prompt of about `targetPromptTokens` on this engine's tokenizer and template. */
async function calibrate(side: Side): Promise<void> {
  ppSentences = await sentencesForTokens(targetPromptTokens,
    async (n) => (await promptUsage(side.served.baseUrl, BENCH_MODEL_ID, ppRequest(-1, n))).promptTokens);
}

const run = (side: Side, body: GenerateContentRequest) => streamGenerate(side.served.baseUrl, BENCH_MODEL_ID, body);

interface SingleResults {
  decode: StreamTiming[];
  pp: StreamTiming[];
  decodeUsage: PromptUsage;
  ppUsage: PromptUsage;
  about: Record<string, unknown>;
}

interface Level {
  streams: number;
  tokensPerStream: number;
  aggregateTokensPerSecond: number;
  aggregateByRound: number[];
  ttftP50Ms: number;
  ttftMaxMs: number;
  streamDecodeTokensPerSecond: number;
}

const single = {} as Record<EngineKind, SingleResults>;
const concurrent = {} as Record<EngineKind, { levels: Level[]; about: Record<string, unknown> }>;

// Single stream: parallel 1.
{
  const sides = await openBoth(1);
  try {
    await calibrate(sides['llama-cpp']);
    for (const kind of ENGINES) {
      // Warm-up (not counted): pages the weights in and runs each path once.
      await run(sides[kind], decodeRequest(-1));
      await run(sides[kind], ppRequest(-1));
    }
    const decode: Record<EngineKind, StreamTiming[]> = { 'llama-cpp': [], 'llama-server': [] };
    const pp: Record<EngineKind, StreamTiming[]> = { 'llama-cpp': [], 'llama-server': [] };
    for (let i = 0; i < reps; i++) for (const kind of abba(i)) decode[kind].push(await run(sides[kind], decodeRequest(i)));
    for (let i = 0; i < reps; i++) for (const kind of abba(i)) pp[kind].push(await run(sides[kind], ppRequest(i)));
    for (const kind of ENGINES) {
      single[kind] = {
        decode: decode[kind], pp: pp[kind], about: sides[kind].about,
        decodeUsage: await promptUsage(sides[kind].served.baseUrl, BENCH_MODEL_ID, decodeRequest(reps - 1)),
        ppUsage: await promptUsage(sides[kind].served.baseUrl, BENCH_MODEL_ID, ppRequest(reps - 1)),
      };
    }
  } finally {
    await closeBoth(sides);
  }
}

// Concurrent streams: parallel = streams, so none waits for a slot.
{
  const sides = await openBoth(streams);
  let serial = 1000;
  const burst = async (side: Side, n: number, tokens: number) => {
    const t0 = nowMs();
    const timings = await Promise.all(Array.from({ length: n }, () => run(side, {
      contents: [{ role: 'user', parts: [{ text: `Story ${++serial}. ${PROMPT}` }] }],
      generationConfig: { temperature: 0, maxOutputTokens: tokens },
    })));
    return { timings, wallMs: Math.max(...timings.map((t) => t.lastChunkAt)) - t0 };
  };
  try {
    for (const kind of ENGINES) {
      await burst(sides[kind], 1, 16);
      await burst(sides[kind], streams, 16);
    }
    const levels = [...new Set([1, streams])];
    const collected: Record<EngineKind, Level[]> = { 'llama-cpp': [], 'llama-server': [] };
    for (const n of levels) {
      const all: Record<EngineKind, StreamTiming[]> = { 'llama-cpp': [], 'llama-server': [] };
      const byRound: Record<EngineKind, number[]> = { 'llama-cpp': [], 'llama-server': [] };
      for (let r = 0; r < rounds; r++) {
        for (const kind of abba(r)) {
          const { timings, wallMs } = await burst(sides[kind], n, maxTokens);
          all[kind].push(...timings);
          byRound[kind].push((timings.reduce((s, t) => s + t.tokens, 0) * 1000) / wallMs);
        }
      }
      for (const kind of ENGINES) {
        const ttft = all[kind].map(ttftMs);
        collected[kind].push({
          streams: n,
          tokensPerStream: median(all[kind].map((t) => t.tokens)),
          aggregateTokensPerSecond: median(byRound[kind]),
          aggregateByRound: byRound[kind],
          ttftP50Ms: percentile(ttft, 50),
          ttftMaxMs: Math.max(...ttft),
          streamDecodeTokensPerSecond: median(all[kind].map(decodeTokensPerSecond)),
        });
      }
    }
    for (const kind of ENGINES) concurrent[kind] = { levels: collected[kind], about: sides[kind].about };
  } finally {
    await closeBoth(sides);
  }
}

const summary = (kind: EngineKind) => {
  const s = single[kind];
  const ppTtft = s.pp.map(ttftMs);
  return {
    decodeTokens: median(s.decode.map((t) => t.tokens)),
    decodeTokensPerSecond: median(s.decode.map(decodeTokensPerSecond)),
    minDecodeTokensPerSecond: Math.min(...s.decode.map(decodeTokensPerSecond)),
    maxDecodeTokensPerSecond: Math.max(...s.decode.map(decodeTokensPerSecond)),
    ttftMs: median(s.decode.map(ttftMs)),
    shortPromptTokens: s.decodeUsage.promptTokens,
    longPromptTokens: s.ppUsage.promptTokens,
    longPromptTtftMs: median(ppTtft),
    promptTokensPerSecond: (s.ppUsage.promptTokens * 1000) / median(ppTtft),
    minPromptTokensPerSecond: (s.ppUsage.promptTokens * 1000) / Math.max(...ppTtft),
    maxPromptTokensPerSecond: (s.ppUsage.promptTokens * 1000) / Math.min(...ppTtft),
  };
};
const sums = { 'llama-cpp': summary('llama-cpp'), 'llama-server': summary('llama-server') };
const ratio = (f: (k: EngineKind) => number) => `${(f('llama-server') / f('llama-cpp')).toFixed(2)}x`;

const quickNote = args.quick ? ' (QUICK: smoke run only)' : '';
printTable(
  `${NAME}: decode, 1 stream, threads ${threads}, temperature 0, median of ${reps} reps${quickNote}`,
  ['engine', 'tokens', 'decode tok/s', 'min', 'max', 'prompt tokens', 'TTFT ms'],
  ENGINES.map((k) => [k, sums[k].decodeTokens, sums[k].decodeTokensPerSecond, sums[k].minDecodeTokensPerSecond, sums[k].maxDecodeTokensPerSecond, sums[k].shortPromptTokens, sums[k].ttftMs]),
);
printTable(
  `${NAME}: prompt processing, 1 stream, ~${targetPromptTokens}-token prompt, median of ${reps} reps${quickNote}`,
  ['engine', 'prompt tokens', 'TTFT ms', 'prompt tok/s', 'min', 'max'],
  ENGINES.map((k) => [k, sums[k].longPromptTokens, sums[k].longPromptTtftMs, sums[k].promptTokensPerSecond, sums[k].minPromptTokensPerSecond, sums[k].maxPromptTokensPerSecond]),
);
printTable(
  `${NAME}: concurrent streams, engine parallel ${streams}, ${maxTokens} tokens/stream, median of ${rounds} round(s)${quickNote}`,
  ['engine', 'streams', 'tokens/stream', 'aggregate tok/s', 'vs 1 stream', 'TTFT p50 ms', 'TTFT max ms', 'per-stream decode tok/s'],
  ENGINES.flatMap((k) => {
    const one = concurrent[k].levels.find((l) => l.streams === 1)?.aggregateTokensPerSecond;
    return concurrent[k].levels.map((l) => [
      k, l.streams, l.tokensPerStream, l.aggregateTokensPerSecond, one ? `${(l.aggregateTokensPerSecond / one).toFixed(2)}x` : '-',
      l.ttftP50Ms, l.ttftMaxMs, l.streamDecodeTokensPerSecond,
    ]);
  }),
);
const aggregateAt = (k: EngineKind) => concurrent[k].levels.find((l) => l.streams === streams)?.aggregateTokensPerSecond ?? Number.NaN;
console.log(`\nllama-server / llama-cpp: decode ${ratio((k) => sums[k].decodeTokensPerSecond)}, prompt processing ${ratio((k) => sums[k].promptTokensPerSecond)}, ` +
  `aggregate at ${streams} streams ${ratio(aggregateAt)}`);
const short = ENGINES.some((k) => sums[k].decodeTokens < maxTokens || concurrent[k].levels.some((l) => l.tokensPerStream < maxTokens));
if (short) console.log(`note: some generations ended before ${maxTokens} tokens (EOS); rates count the tokens actually generated`);
if (single['llama-server'].about.repack === false) {
  console.log('note: llama-server ran with --no-repack (LLAMA_ARG_REPACK=0) as its default crashed here (SIGILL), so without the AMX / '
    + 'repacked Q8_0 kernels node-llama-cpp may use: the engines ran different matrix kernels (bench/README.md)');
}
console.log(`host: ${head.host.cores} cores, ${head.host.cpu}, node ${head.host.node}, load avg ${head.host.loadAverage1m}`);

if (!args.noWrite) {
  const r = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)]));
  const perRep = (runs: StreamTiming[]) => runs.map((t) => ({ tokens: t.tokens, ttftMs: round(ttftMs(t)), decodeTokensPerSecond: round(decodeTokensPerSecond(t)) }));
  const ttftPerRep = (runs: StreamTiming[]) => runs.map((t) => round(ttftMs(t)));
  const path = writeResults(NAME, {
    ...head,
    model: { ...model.info, generated: model.generated },
    threads,
    engines: Object.fromEntries(ENGINES.map((k) => [k, { singleStream: single[k].about, concurrent: concurrent[k].about }])),
    settings: {
      contextSizePerSequence: contextSize, maxQueue: MAX_QUEUE, maxTokens, temperature: 0, reps, warmup: 1, order: 'ABBA',
      promptTokensTarget: targetPromptTokens, longPromptSentences: ppSentences, longPromptOutputTokens: PP_OUTPUT_TOKENS,
      streams, rounds, concurrencyWarmup: `one 16-token stream, then ${streams} 16-token streams`,
      prompt: `Story <n>. ${PROMPT}`, longPrompt: 'Document <n>. (1) <sentence> (2) ... \\nSum it up in one line.', client: 'fetch, raw SSE',
    },
    results: Object.fromEntries(ENGINES.map((k) => [k, {
      ...r(sums[k]),
      longPromptByModality: single[k].ppUsage.byModality,
      decodeRuns: perRep(single[k].decode),
      longPromptTtftMsByRep: ttftPerRep(single[k].pp),
      concurrent: concurrent[k].levels.map((l) => ({
        ...l, aggregateTokensPerSecond: round(l.aggregateTokensPerSecond), aggregateByRound: l.aggregateByRound.map((x) => round(x)),
        ttftP50Ms: round(l.ttftP50Ms), ttftMaxMs: round(l.ttftMaxMs), streamDecodeTokensPerSecond: round(l.streamDecodeTokensPerSecond),
      })),
    }])),
    ratios: {
      decode: round(sums['llama-server'].decodeTokensPerSecond / sums['llama-cpp'].decodeTokensPerSecond, 3),
      promptProcessing: round(sums['llama-server'].promptTokensPerSecond / sums['llama-cpp'].promptTokensPerSecond, 3),
      aggregate: round(aggregateAt('llama-server') / aggregateAt('llama-cpp'), 3),
    },
  });
  console.log(`wrote ${path}`);
}
