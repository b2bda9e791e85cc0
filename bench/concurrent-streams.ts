/**
 * Aggregate generated tokens/s and time to first token with 1, 4 and 8 concurrent
 * `:streamGenerateContent?alt=sse` streams through gemserve's HTTP server on one model.
 *
 *   npx tsx bench/concurrent-streams.ts [--quick] [--rounds 3] [--tokens 128] [--parallel 8]
 *                                       [--threads 1] [--context 2048] [--levels 1,4,8] [--model PATH]
 *
 * The engine runs with `parallel` = 8 sequences by default, so up to 8 streams are decoded
 * together in one batch (none waits in the queue). Every stream has a prompt of its own, so no
 * sequence can reuse an earlier prompt's evaluation and TTFT includes evaluating it.
 *
 * Aggregate tokens/s = all streams' generated tokens (usageMetadata.candidatesTokenCount) over
 * the wall time from sending the requests to the last stream's end (prompt evaluation
 * included). Per-stream decode tokens/s excludes it (first text chunk → last chunk).
 */
import type { GenerateContentRequest } from '../src/api/gemini/types.js';
import { MODEL_OPTION, resolveBenchModel } from './lib/bench-model.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import { BENCH_MODEL_ID, startLlamaServer } from './lib/llama-server.js';
import { modelSummary } from './lib/model-info.js';
import { printTable } from './lib/print-table.js';
import { median, nowMs, percentile, round } from './lib/stats.js';
import { decodeTokensPerSecond, streamGenerate, ttftMs, type StreamTiming } from './lib/stream-generate.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'concurrent-streams';
const PROMPT = 'Tell me a long story about a lighthouse keeper who finds a message in a bottle, '
  + 'and describe the sea, the weather and every letter of the message in detail.';

interface Level {
  streams: number;
  rounds: number;
  tokensPerStream: number;
  aggregateTokensPerSecond: number;
  aggregateByRound: number[];
  ttftP50Ms: number;
  ttftP90Ms: number;
  ttftMaxMs: number;
  streamDecodeTokensPerSecond: number;
}

const args = readBenchArgs(process.argv.slice(2), ['rounds', 'tokens', 'parallel', 'threads', 'context', 'levels', MODEL_OPTION]);
const rounds = intOption(args, 'rounds', args.quick ? 1 : 3);
const maxTokens = intOption(args, 'tokens', args.quick ? 32 : 128);
const parallel = intOption(args, 'parallel', 8);
const threads = intOption(args, 'threads', 1);
const contextSize = intOption(args, 'context', 2048);
const levels = (args.values.levels ?? '1,4,8').split(',').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--levels takes positive integers, got ${s}`);
  return n;
});
const head = resultsHead(NAME, args.quick);

let promptSerial = 0;
/** A request whose prompt no earlier request started with. */
const freshRequest = (tokens: number): GenerateContentRequest => ({
  contents: [{ role: 'user', parts: [{ text: `Story ${++promptSerial}. ${PROMPT}` }] }],
  generationConfig: { temperature: 0, maxOutputTokens: tokens },
});

const model = await resolveBenchModel(args);
console.log(`model ${modelSummary(model.info)}; engine parallel ${parallel}, threads ${threads}, context ${contextSize}/sequence, ` +
  `${maxTokens} tokens/stream, ${rounds} round(s) per level${args.quick ? ' (QUICK)' : ''}`);

const server = await startLlamaServer({ modelPath: model.path, threads, parallel, contextSize, maxQueue: 64 });
console.log(`engine: llama-cpp, ${server.engine.threads} thread(s), chat wrapper ${server.engine.chatWrapperName}, context ${server.engine.capabilities.contextTokens} tokens/sequence`);
const results: Level[] = [];
try {
  /** `n` streams started together; resolves when all have ended. */
  const burst = async (n: number, tokens: number) => {
    const t0 = nowMs();
    const timings = await Promise.all(Array.from({ length: n }, () => streamGenerate(server.baseUrl, BENCH_MODEL_ID, freshRequest(tokens))));
    const wallMs = Math.max(...timings.map((t) => t.lastChunkAt)) - t0;
    return { timings, wallMs };
  };
  // Warm-up (not counted): page the weights in and touch every sequence once.
  await burst(1, 16);
  await burst(Math.max(...levels), 16);

  for (const streams of levels) {
    const all: StreamTiming[] = [];
    const aggregateByRound: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const { timings, wallMs } = await burst(streams, maxTokens);
      all.push(...timings);
      aggregateByRound.push((timings.reduce((n, t) => n + t.tokens, 0) * 1000) / wallMs);
    }
    const ttft = all.map(ttftMs);
    results.push({
      streams, rounds,
      tokensPerStream: median(all.map((t) => t.tokens)),
      aggregateTokensPerSecond: median(aggregateByRound),
      aggregateByRound,
      ttftP50Ms: percentile(ttft, 50),
      ttftP90Ms: percentile(ttft, 90),
      ttftMaxMs: Math.max(...ttft),
      streamDecodeTokensPerSecond: median(all.map(decodeTokensPerSecond)),
    });
  }
} finally {
  await server.close();
}

const single = results.find((l) => l.streams === 1)?.aggregateTokensPerSecond;
printTable(
  `${NAME}: engine parallel ${parallel}, threads ${threads}, median of ${rounds} round(s)${args.quick ? ' (QUICK: smoke run only)' : ''}`,
  ['streams', 'tokens/stream', 'aggregate tok/s', 'vs 1 stream', 'TTFT p50 ms', 'TTFT p90 ms', 'TTFT max ms', 'per-stream decode tok/s'],
  results.map((l) => [
    l.streams, l.tokensPerStream, l.aggregateTokensPerSecond, single ? `${(l.aggregateTokensPerSecond / single).toFixed(2)}x` : '-',
    l.ttftP50Ms, l.ttftP90Ms, l.ttftMaxMs, l.streamDecodeTokensPerSecond,
  ]),
);
if (results.some((l) => l.tokensPerStream < maxTokens)) console.log(`note: some streams ended before ${maxTokens} tokens (EOS); rates count the tokens actually generated`);
console.log(`host: ${head.host.cores} cores, ${head.host.cpu}, node ${head.host.node}, load avg ${head.host.loadAverage1m}`);

if (!args.noWrite) {
  const path = writeResults(NAME, {
    ...head,
    model: { ...model.info, generated: model.generated },
    threads,
    engine: { threads: server.engine.threads, chatWrapper: server.engine.chatWrapperName, contextTokens: server.engine.capabilities.contextTokens },
    settings: { parallel, contextSizePerSequence: contextSize, maxQueue: 64, maxTokens, temperature: 0, rounds, levels, warmup: 'one 16-token stream, then one burst of max(levels)', prompt: `Story <n>. ${PROMPT}`, client: 'fetch, raw SSE' },
    levels: results.map((l) => ({
      ...l,
      aggregateTokensPerSecond: round(l.aggregateTokensPerSecond),
      aggregateByRound: l.aggregateByRound.map((x) => round(x)),
      ttftP50Ms: round(l.ttftP50Ms), ttftP90Ms: round(l.ttftP90Ms), ttftMaxMs: round(l.ttftMaxMs),
      streamDecodeTokensPerSecond: round(l.streamDecodeTokensPerSecond),
    })),
  });
  console.log(`wrote ${path}`);
}
