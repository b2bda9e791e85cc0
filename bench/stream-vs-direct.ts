/**
 * Decode throughput through gemserve's `:streamGenerateContent?alt=sse` against node-llama-cpp
 * called directly, on the same model, threads and settings (target: HTTP ≥ 95% of direct).
 *
 *   npx tsx bench/stream-vs-direct.ts [--quick] [--reps 7] [--tokens 128] [--threads 1]
 *                                     [--context 2048] [--model PATH]
 *
 * Both sides generate from the same request: the direct side gets the exact messages and
 * LlamaChat options gemserve derives from it (the same converters and chat wrapper), on a
 * one-sequence context with the same size and threads. Temperature 0 (greedy), so both
 * produce the same tokens; Gemini has no "ignore EOS", so tokens are counted, not assumed.
 *
 * Fair decode rate: prompt evaluation is excluded on both sides. Each side's clock runs from
 * the first token its caller sees (direct: LlamaChat's first onToken; HTTP: the first SSE chunk
 * with text) to the moment the caller has the whole answer (direct: generateResponse resolves;
 * HTTP: the last SSE chunk), and counts the tokens generated in between (HTTP: the cumulative
 * usageMetadata.candidatesTokenCount). Time to first token is reported separately.
 *
 * Each repetition uses a prompt of its own (the same on both sides), so time to first token
 * includes prompt evaluation on both.
 *
 * Both models are loaded once, side by side, but never generate at the same time; repetitions
 * alternate the order (ABBA...) so drift in machine load hits both sides alike.
 */
import { LlamaChat, type LlamaContext } from 'node-llama-cpp';
import type { GenerateContentRequest } from '../src/api/gemini/types.js';
import type { CatalogEntry } from '../src/core/catalog/model-catalog.js';
import { convertToGenerateInput } from '../src/convert/convert-to-generate-input.js';
import { convertToChatHistory } from '../src/engines/llama-cpp/convert-to-chat-history.js';
import { loadLlamaModel, type LoadedLlamaModel } from '../src/engines/llama-cpp/load-llama-model.js';
import { mapSamplingOptions } from '../src/engines/llama-cpp/map-sampling-options.js';
import { resolveChatWrapperFor } from '../src/engines/llama-cpp/resolve-chat-wrapper.js';
import { MODEL_OPTION, resolveBenchModel } from './lib/bench-model.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import { BENCH_MODEL_ID, startLlamaServer, type LlamaServer } from './lib/llama-server.js';
import { modelSummary } from './lib/model-info.js';
import { printTable } from './lib/print-table.js';
import { median, nowMs, round } from './lib/stats.js';
import { decodeTokensPerSecond, streamGenerate, ttftMs } from './lib/stream-generate.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'stream-vs-direct';
const TARGET_RATIO = 0.95;
const PROMPT = 'Tell me a long story about a lighthouse keeper who finds a message in a bottle, '
  + 'and describe the sea, the weather and every letter of the message in detail.';

/** One generation as its caller saw it. */
interface Run {
  ttftMs: number;
  decodeTokensPerSecond: number;
  tokens: number;
  /** Decode window (first token seen → answer complete), ms. */
  decodeMs: number;
  text: string;
}

const args = readBenchArgs(process.argv.slice(2), ['reps', 'tokens', 'threads', 'context', MODEL_OPTION]);
const reps = intOption(args, 'reps', args.quick ? 2 : 7);
const maxTokens = intOption(args, 'tokens', args.quick ? 32 : 128);
const threads = intOption(args, 'threads', 1);
const contextSize = intOption(args, 'context', 2048);
const head = resultsHead(NAME, args.quick);
/**
 * Repetition `i` sends the same request to both sides. Each repetition's prompt starts
 * differently, so neither side can reuse the previous prompt's evaluation (LlamaChat keeps the
 * common prefix in the sequence): time to first token includes evaluating the prompt, as a new
 * conversation's would.
 */
const requestFor = (i: number): GenerateContentRequest => ({
  contents: [{ role: 'user', parts: [{ text: `Story ${i + 1}. ${PROMPT}` }] }],
  generationConfig: { temperature: 0, maxOutputTokens: maxTokens },
});

const model = await resolveBenchModel(args);
console.log(`model ${modelSummary(model.info)}; threads ${threads}, context ${contextSize}, ${maxTokens} tokens, ${reps} reps${args.quick ? ' (QUICK)' : ''}`);

/** node-llama-cpp alone: one model, a one-sequence context and a LlamaChat, as the engine sets up a slot. */
async function openDirect(entry: CatalogEntry): Promise<{ run: (i: number) => Promise<Run>; close: () => Promise<void> }> {
  const loaded: LoadedLlamaModel = await loadLlamaModel(model.path);
  let context: LlamaContext | undefined;
  try {
    context = await loaded.model.createContext({ contextSize, sequences: 1, threads });
  } catch (e) {
    await loaded.dispose();
    throw e;
  }
  const chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: resolveChatWrapperFor(loaded.model) });
  const run = async (i: number): Promise<Run> => {
    // The exact messages and sampling gemserve derives from the request (catalog defaults included).
    const input = convertToGenerateInput(requestFor(i), entry);
    const history = convertToChatHistory(input.messages);
    const options = mapSamplingOptions(input.sampling);
    let first = Number.NaN;
    let firstTokens = 0;
    let counted = 0;
    const startedAt = nowMs();
    const response = await chat.generateResponse(history, {
      ...options,
      onToken(tokens) {
        if (Number.isNaN(first)) { first = nowMs(); firstTokens = tokens.length; }
        counted += tokens.length;
      },
    });
    const end = nowMs();
    // As the engine counts: at maxTokens every token was generated, even ones LlamaChat held back.
    const tokens = response.metadata.stopReason === 'maxTokens' ? options.maxTokens ?? counted : counted;
    return { ttftMs: first - startedAt, decodeTokensPerSecond: ((tokens - firstTokens) * 1000) / (end - first), tokens, decodeMs: end - first, text: response.response };
  };
  const close = async () => {
    chat.dispose({ disposeSequence: true });
    await context.dispose();
    await loaded.dispose();
  };
  return { run, close };
}

async function runHttp(i: number): Promise<Run> {
  const t = await streamGenerate(server.baseUrl, BENCH_MODEL_ID, requestFor(i));
  return { ttftMs: ttftMs(t), decodeTokensPerSecond: decodeTokensPerSecond(t), tokens: t.tokens, decodeMs: t.lastChunkAt - t.firstTextAt, text: t.text };
}

const server: LlamaServer = await startLlamaServer({ modelPath: model.path, threads, parallel: 1, contextSize, maxQueue: 4 });
console.log(`engine: llama-cpp, ${server.engine.threads} thread(s), chat wrapper ${server.engine.chatWrapperName}, context ${server.engine.capabilities.contextTokens} tokens/sequence`);
const results = { direct: [] as Run[], http: [] as Run[] };
let sameText = false;
try {
  const direct = await openDirect(server.server.catalog.get(BENCH_MODEL_ID)!);
  try {
    // Warm-up (not counted): pages the weights in and runs each side's first-use paths.
    await direct.run(-1);
    await runHttp(-1);
    for (let i = 0; i < reps; i++) {
      const order = i % 4 === 0 || i % 4 === 3 ? ['direct', 'http'] as const : ['http', 'direct'] as const;
      for (const side of order) results[side].push(side === 'direct' ? await direct.run(i) : await runHttp(i));
    }
    sameText = results.direct.every((r, i) => r.text === results.http[i].text);
  } finally {
    await direct.close();
  }
} finally {
  await server.close();
}

const summary = (runs: Run[]) => ({
  tokens: median(runs.map((r) => r.tokens)),
  ttftMs: median(runs.map((r) => r.ttftMs)),
  decodeTokensPerSecond: median(runs.map((r) => r.decodeTokensPerSecond)),
  minDecodeTokensPerSecond: Math.min(...runs.map((r) => r.decodeTokensPerSecond)),
  maxDecodeTokensPerSecond: Math.max(...runs.map((r) => r.decodeTokensPerSecond)),
});
const direct = summary(results.direct);
const http = summary(results.http);
const ratio = http.decodeTokensPerSecond / direct.decodeTokensPerSecond;

printTable(
  `${NAME}: decode throughput, median of ${reps} reps${args.quick ? ' (QUICK: smoke run only)' : ''}`,
  ['side', 'tokens', 'TTFT ms', 'decode tok/s', 'min', 'max'],
  [
    ['node-llama-cpp direct (LlamaChat)', direct.tokens, direct.ttftMs, direct.decodeTokensPerSecond, direct.minDecodeTokensPerSecond, direct.maxDecodeTokensPerSecond],
    ['gemserve HTTP :streamGenerateContent?alt=sse', http.tokens, http.ttftMs, http.decodeTokensPerSecond, http.minDecodeTokensPerSecond, http.maxDecodeTokensPerSecond],
  ],
);
console.log(`\nHTTP / direct decode throughput: ${(ratio * 100).toFixed(1)}% (target ≥ ${TARGET_RATIO * 100}%: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`);
if (direct.tokens < maxTokens || http.tokens < maxTokens) console.log(`note: generation ended before ${maxTokens} tokens (EOS); rates count the tokens actually generated`);
console.log(`same greedy text on both sides, every rep: ${sameText ? 'yes' : 'NO (numerics differ; rates still compare like for like)'}`);
console.log(`host: ${head.host.cores} cores, ${head.host.cpu}, node ${head.host.node}, load avg ${head.host.loadAverage1m}`);

if (!args.noWrite) {
  const perRep = (runs: Run[]) => runs.map((r) => ({ tokens: r.tokens, ttftMs: round(r.ttftMs), decodeMs: round(r.decodeMs), decodeTokensPerSecond: round(r.decodeTokensPerSecond) }));
  const path = writeResults(NAME, {
    ...head,
    model: { ...model.info, generated: model.generated },
    threads,
    engine: { threads: server.engine.threads, chatWrapper: server.engine.chatWrapperName, contextTokens: server.engine.capabilities.contextTokens },
    settings: { contextSize, parallel: 1, maxTokens, temperature: 0, reps, warmup: 1, order: 'ABBA', prompt: `Story <rep>. ${PROMPT}`, client: 'fetch, raw SSE' },
    targetRatio: TARGET_RATIO,
    ratio: round(ratio, 4),
    sameText,
    direct: { ...mapValues(direct), runs: perRep(results.direct) },
    http: { ...mapValues(http), runs: perRep(results.http) },
  });
  console.log(`wrote ${path}`);
}

function mapValues(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)]));
}
