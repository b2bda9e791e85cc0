/**
 * Context caching on the embedded engine: a request whose ~4k-token prefix is a cached content
 * (`cachedPrefix`, warmed with `warmCachedPrefix`) against the same request evaluated from
 * scratch (target: cached prompt processing at least 10x faster).
 *
 *   npx tsx bench/context-cache.ts [--quick] [--reps 5] [--prefix-tokens 4000] [--tokens 16]
 *                                  [--threads 1] [--context 8192] [--model PATH]
 *
 * Called on the engine itself (no HTTP: the server adds the same small cost to both sides). One
 * slot (parallel 1). Each repetition has a prefix of its own (a system instruction naming the
 * repetition, then filler prose to the asked length) and a question after it, and measures:
 * - uncached: the request without `cachedPrefix`, the slot holding an unrelated short prompt,
 *   so the whole prompt is evaluated;
 * - warm: `warmCachedPrefix` (evaluation of the prefix plus saving its state to a file);
 * - cached, loaded: the request with `cachedPrefix`, the slot again holding an unrelated prompt,
 *   so the engine loads the saved state from its file, then evaluates the question;
 * - cached, in slot: the same again right after, the slot still holding the prefix.
 * For each: time to first token (stream called → first text delta, `--tokens` generated) and
 * prompt processing (a separate run with maxOutputTokens 1: the `prompt` event → the end of the
 * stream, i.e. restoring the state, evaluating the rest of the prompt and sampling one token),
 * plus the prompt tokens llama.cpp evaluated (its token meter), which shows the reuse directly.
 * Greedy (temperature 0): the text with and without the cache must be the same.
 */
import { stat } from 'node:fs/promises';
import { collectGeneration, type ChatMessage, type GenerateInput } from '../src/core/engine.js';
import { createLlamaCppEngine, type LlamaCppEngine } from '../src/engines/llama-cpp/llama-cpp-engine.js';
import { MODEL_OPTION, resolveBenchModel } from './lib/bench-model.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import { fillerText, sentencesForTokens } from './lib/filler-text.js';
import { modelSummary } from './lib/model-info.js';
import { printTable } from './lib/print-table.js';
import { median, nowMs, round } from './lib/stats.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'context-cache';
const TARGET_SPEEDUP = 10;

const args = readBenchArgs(process.argv.slice(2), ['reps', 'prefix-tokens', 'tokens', 'threads', 'context', MODEL_OPTION]);
const reps = intOption(args, 'reps', args.quick ? 1 : 5);
const prefixTarget = intOption(args, 'prefix-tokens', args.quick ? 1000 : 4000);
const maxTokens = intOption(args, 'tokens', 16);
const threads = intOption(args, 'threads', 1);
const contextSize = intOption(args, 'context', 8192);
const head = resultsHead(NAME, args.quick);

const model = await resolveBenchModel(args);
console.log(`model ${modelSummary(model.info)}; threads ${threads}, context ${contextSize}, prefix ~${prefixTarget} tokens, ${maxTokens} tokens, ${reps} reps${args.quick ? ' (QUICK)' : ''}`);

const QUESTION = 'Which boats came back before the storm, and what did the keeper write in the ledger?';
const prefixFor = (rep: number, sentences: number): ChatMessage[] => [
  { role: 'system', parts: [{ type: 'text', text: `Document ${rep + 1}. Answer questions about the harbour log below.` }] },
  { role: 'user', parts: [{ type: 'text', text: fillerText(sentences) }] },
];
const request = (prefix: ChatMessage[], max: number, cacheId?: string): GenerateInput => ({
  messages: [...prefix, { role: 'user', parts: [{ type: 'text', text: QUESTION }] }],
  sampling: { maxOutputTokens: max, stopSequences: [], temperature: 0, seed: 1 },
  candidateCount: 1,
  signal: new AbortController().signal,
  ...(cacheId ? { cachedPrefix: { id: cacheId, messageCount: prefix.length } } : {}),
});

/** One request's timings, and the prompt tokens the engine evaluated for it. */
interface Run {
  ttftMs: number;
  promptMs: number;
  evaluatedTokens: number;
  promptTokens: number;
  text: string;
}

/** A short unrelated request, so the slot no longer holds the prefix. */
async function clearSlot(engine: LlamaCppEngine, k: number): Promise<void> {
  for await (const _ of engine.stream({ ...request([], 1), messages: [{ role: 'user', parts: [{ type: 'text', text: `Unrelated ${k}.` }] }] }));
}

/** TTFT and text from a `maxTokens` run; prompt processing from a 1-token run (slot prepared the same way before each). */
async function measure(engine: LlamaCppEngine, prefix: ChatMessage[], cacheId: string | undefined, prepare: () => Promise<void>): Promise<Run> {
  await prepare();
  const start = nowMs();
  let first = Number.NaN;
  let text = '';
  let promptTokens = 0;
  const before = engine.evaluatedTokens().input;
  for await (const ev of engine.stream(request(prefix, maxTokens, cacheId))) {
    if (ev.type === 'prompt') promptTokens = ev.promptTokens;
    if (ev.type === 'text-delta') {
      if (Number.isNaN(first)) first = nowMs();
      text += ev.text;
    }
  }
  const evaluatedTokens = engine.evaluatedTokens().input - before;
  const ttftMs = first - start;
  await prepare();
  let prompted = Number.NaN;
  for await (const ev of engine.stream(request(prefix, 1, cacheId))) if (ev.type === 'prompt') prompted = nowMs();
  return { ttftMs, promptMs: nowMs() - prompted, evaluatedTokens, promptTokens, text };
}

const engine = await createLlamaCppEngine({ modelPath: model.path, contextSize, parallel: 1, threads, maxQueue: 4 });
console.log(`engine: llama-cpp, ${engine.threads} thread(s), chat wrapper ${engine.chatWrapperName}, context ${engine.capabilities.contextTokens} tokens/sequence`);
const runs = { uncached: [] as Run[], loaded: [] as Run[], inSlot: [] as Run[] };
const warmMs: number[] = [];
const stateBytes: number[] = [];
let prefixTokens = 0;
let sameText = true;
let lossless = true;
try {
  const sentences = await sentencesForTokens(prefixTarget, async (n) => (await engine.countTokens({ messages: prefixFor(0, n) })).total);
  // Warm-up (not counted): pages the weights in and runs every path once.
  const warmup = prefixFor(-1, sentences);
  await measure(engine, warmup, undefined, () => clearSlot(engine, -1));
  await engine.warmCachedPrefix({ id: 'warm-up', messages: warmup, signal: new AbortController().signal });
  await measure(engine, warmup, 'warm-up', () => clearSlot(engine, -2));
  await engine.releaseCachedPrefix('warm-up');
  let k = 0;
  for (let rep = 0; rep < reps; rep++) {
    const prefix = prefixFor(rep, sentences);
    prefixTokens = (await engine.countTokens({ messages: prefix })).total;
    const id = `bench-${rep}`;
    runs.uncached.push(await measure(engine, prefix, undefined, () => clearSlot(engine, k++)));
    await clearSlot(engine, k++); // the warm evaluates the prefix from scratch too
    const t = nowMs();
    await engine.warmCachedPrefix({ id, messages: prefix, signal: new AbortController().signal });
    warmMs.push(nowMs() - t);
    stateBytes.push(await stateFileBytes(engine));
    // The slot holds the prefix as the warm evaluated it: the text generated on top of it without
    // any file is what a lossless state file must reproduce.
    const onWarmSlot = await collectGeneration(engine.stream(request(prefix, maxTokens)));
    runs.loaded.push(await measure(engine, prefix, id, () => clearSlot(engine, k++)));
    runs.inSlot.push(await measure(engine, prefix, id, async () => undefined));
    sameText &&= runs.loaded[rep].text === runs.uncached[rep].text && runs.inSlot[rep].text === runs.uncached[rep].text;
    lossless &&= runs.loaded[rep].text === onWarmSlot.candidates[0].text;
    await engine.releaseCachedPrefix(id);
    console.log(`rep ${rep + 1}: uncached ${round(runs.uncached[rep].promptMs)} ms, cached (loaded) ${round(runs.loaded[rep].promptMs)} ms, cached (in slot) ${round(runs.inSlot[rep].promptMs)} ms of prompt processing`);
  }
} finally {
  await engine.dispose();
}

async function stateFileBytes(e: LlamaCppEngine): Promise<number> {
  const file = e.prefixStates().files.at(-1);
  return file ? (await stat(file)).size : 0;
}

const summary = (rs: Run[]) => ({
  promptTokens: median(rs.map((r) => r.promptTokens)),
  evaluatedTokens: median(rs.map((r) => r.evaluatedTokens)),
  ttftMs: median(rs.map((r) => r.ttftMs)),
  promptMs: median(rs.map((r) => r.promptMs)),
});
const uncached = summary(runs.uncached);
const loaded = summary(runs.loaded);
const inSlot = summary(runs.inSlot);
const speedup = uncached.promptMs / loaded.promptMs;
const ttftSpeedup = uncached.ttftMs / loaded.ttftMs;

printTable(
  `${NAME}: ~${prefixTokens}-token cached prefix, median of ${reps} reps${args.quick ? ' (QUICK: smoke run only)' : ''}`,
  ['request', 'prompt tokens', 'evaluated', 'prompt ms', 'TTFT ms'],
  [
    ['uncached (whole prompt evaluated)', uncached.promptTokens, uncached.evaluatedTokens, uncached.promptMs, uncached.ttftMs],
    ['cachedPrefix, state loaded from file', loaded.promptTokens, loaded.evaluatedTokens, loaded.promptMs, loaded.ttftMs],
    ['cachedPrefix, state already in the slot', inSlot.promptTokens, inSlot.evaluatedTokens, inSlot.promptMs, inSlot.ttftMs],
  ],
);
console.log(`\nwarmCachedPrefix: median ${round(median(warmMs))} ms; state file ${(median(stateBytes) / 2 ** 20).toFixed(1)} MiB`);
console.log(`prompt processing, uncached / cached (loaded): ${speedup.toFixed(1)}x (target ≥ ${TARGET_SPEEDUP}x: ${speedup >= TARGET_SPEEDUP ? 'met' : 'NOT met'}); TTFT ${ttftSpeedup.toFixed(1)}x`);
console.log(`same greedy text with and without the cache, every rep: ${sameText ? 'yes' : 'NO'}`);
console.log(`same greedy text from the loaded state as from the prefix the warm left in the slot (no file), every rep: ${lossless ? 'yes' : 'NO'}`);
if (!sameText) {
  console.log('note: on quantized weights llama.cpp\'s CPU kernels round differently when a prompt is split into other batches,'
    + ' so a greedy reply on random weights can change with what the slot held before, cache or not');
}
console.log(`host: ${head.host.cores} cores, ${head.host.cpu}, node ${head.host.node}, load avg ${head.host.loadAverage1m}`);

if (!args.noWrite) {
  const perRep = (rs: Run[]) => rs.map((r) => ({ promptTokens: r.promptTokens, evaluatedTokens: r.evaluatedTokens, promptMs: round(r.promptMs), ttftMs: round(r.ttftMs) }));
  const path = writeResults(NAME, {
    ...head,
    model: { ...model.info, generated: model.generated },
    threads,
    engine: { threads: engine.threads, chatWrapper: engine.chatWrapperName, contextTokens: engine.capabilities.contextTokens },
    settings: { contextSize, parallel: 1, prefixTokens, maxTokens, temperature: 0, reps, warmup: 1, question: QUESTION },
    targetSpeedup: TARGET_SPEEDUP,
    promptSpeedup: round(speedup),
    ttftSpeedup: round(ttftSpeedup),
    sameText,
    lossless,
    warmMs: round(median(warmMs)),
    stateFileBytes: median(stateBytes),
    uncached: { ...roundAll(uncached), runs: perRep(runs.uncached) },
    cachedLoaded: { ...roundAll(loaded), runs: perRep(runs.loaded) },
    cachedInSlot: { ...roundAll(inSlot), runs: perRep(runs.inSlot) },
  });
  console.log(`wrote ${path}`);
}

function roundAll(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([key, v]) => [key, round(v)]));
}
