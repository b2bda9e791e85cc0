/**
 * Embeddings on the embedded engine: texts per second for a batch (one `:batchEmbedContents`
 * worth of texts) with the embedding contexts arranged in different ways, to show what the pool
 * (embed-texts.ts) buys. node-llama-cpp pools a text's embedding from one sequence per context,
 * so texts evaluate side by side only in separate contexts.
 *
 *   npx tsx bench/embeddings.ts [--quick] [--reps 3] [--texts 32] [--sentences 3] [--context 512] [--model PATH]
 *
 * Rows: one context on 1 thread (the engine before the pool), one context on 2 threads, two
 * contexts on 1 thread each, and what the engine picks here by default (`embeddingPoolSize` for
 * the default 4 slots and 'auto' threads). The rows run in turn, each rep a fresh embedder (its
 * contexts created before the clock starts), and every row must produce the same vectors.
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { getLlama } from 'node-llama-cpp';
import { benchEmbeddingModel } from '../test/fixtures/test-models.js';
import { chooseThreadCount } from '../src/engines/llama-cpp/choose-thread-count.js';
import { createLlamaEmbedder, embeddingPoolSize, type LlamaEmbedderOptions } from '../src/engines/llama-cpp/embed-texts.js';
import { DEFAULT_PARALLEL } from '../src/engines/llama-cpp/llama-cpp-engine.js';
import { MODEL_OPTION } from './lib/bench-model.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import { fillerText } from './lib/filler-text.js';
import { describeModel, modelSummary } from './lib/model-info.js';
import { printTable } from './lib/print-table.js';
import { median, nowMs, round } from './lib/stats.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'embeddings';

const args = readBenchArgs(process.argv.slice(2), ['reps', 'texts', 'sentences', 'context', MODEL_OPTION]);
const reps = intOption(args, 'reps', args.quick ? 1 : 3);
const textCount = intOption(args, 'texts', args.quick ? 8 : 32);
const sentences = intOption(args, 'sentences', 3);
const contextSize = intOption(args, 'context', 512);
const head = resultsHead(NAME, args.quick);

const given = args.values[MODEL_OPTION];
const path = given ? resolve(given) : (await benchEmbeddingModel()).path;
const info = await describeModel(path);
const llama = await getLlama();
const model = await llama.loadModel({ modelPath: path });
const texts = Array.from({ length: textCount }, (_, i) => `Passage ${i + 1}. ${fillerText(sentences + (i % 3))}`);
const tokens = texts.map((t) => model.tokenize(t).length);
const totalTokens = tokens.reduce((a, b) => a + b, 0);
console.log(`model ${modelSummary(info)}; ${textCount} texts of ${Math.min(...tokens)}-${Math.max(...tokens)} tokens (${totalTokens} in all), context ${contextSize}, ${reps} reps${args.quick ? ' (QUICK)' : ''}`);

const autoThreads = await chooseThreadCount('auto', llama.cpuMathCores);
const engineDefault = embeddingPoolSize(DEFAULT_PARALLEL, autoThreads, llama.cpuMathCores);
const rows: Array<{ name: string; pool: { contexts: number; threads: number } }> = [
  { name: '1 context x 1 thread', pool: { contexts: 1, threads: 1 } },
  { name: '1 context x 2 threads', pool: { contexts: 1, threads: 2 } },
  { name: '2 contexts x 1 thread', pool: { contexts: 2, threads: 1 } },
  { name: `engine default (${engineDefault.contexts} x ${engineDefault.threads})`, pool: engineDefault },
];

const signal = new AbortController().signal;
const seconds: number[][] = rows.map(() => []);
let reference: number[][] | undefined;
let sameVectors = true;
try {
  // Warm-up: pages the weights in.
  const warm = createLlamaEmbedder(model, { label: 'bench', contextSize, threads: 1 })!;
  await warm.embed({ texts: texts.slice(0, 2), signal });
  await warm.dispose();
  for (let rep = 0; rep < reps; rep++) {
    for (const [i, row] of rows.entries()) {
      const options: LlamaEmbedderOptions = { label: 'bench', contextSize, ...row.pool };
      const embedder = createLlamaEmbedder(model, options)!;
      try {
        // Creates every context first, so the clock measures evaluation only.
        await Promise.all(Array.from({ length: row.pool.contexts }, () => embedder.embed({ texts: ['x'], signal })));
        const t = nowMs();
        const { vectors } = await embedder.embed({ texts, signal });
        seconds[i].push((nowMs() - t) / 1000);
        reference ??= vectors;
        sameVectors &&= vectors.every((v, k) => v.every((x, d) => Math.abs(x - reference![k][d]) < 1e-4));
      } finally {
        await embedder.dispose();
      }
    }
    console.log(`rep ${rep + 1}: ${rows.map((r, i) => `${r.name} ${round(textCount / seconds[i][rep], 1)} texts/s`).join(', ')}`);
  }
} finally {
  await model.dispose();
  await llama.dispose();
}

const perRow = rows.map((row, i) => {
  const s = median(seconds[i]);
  return { name: row.name, contexts: row.pool.contexts, threads: row.pool.threads, seconds: round(s, 3), textsPerSecond: round(textCount / s, 1), tokensPerSecond: Math.round(totalTokens / s) };
});
printTable(
  `${NAME}: ${textCount} texts (${totalTokens} tokens) per batch, median of ${reps} reps${args.quick ? ' (QUICK: smoke run only)' : ''}`,
  ['contexts', 'seconds', 'texts/s', 'tokens/s', 'vs 1 x 1'],
  perRow.map((r) => [r.name, r.seconds, r.textsPerSecond, r.tokensPerSecond, `${round(r.textsPerSecond / perRow[0].textsPerSecond, 2)}x`]),
);
console.log(`same vectors in every arrangement: ${sameVectors ? 'yes' : 'NO'}`);
console.log(`host: ${head.host.cores} cores (available parallelism ${availableParallelism()}), ${head.host.cpu}, node ${head.host.node}, load avg ${head.host.loadAverage1m}`);

if (!args.noWrite) {
  const out = writeResults(NAME, {
    ...head,
    model: { ...info, generated: !given },
    settings: { texts: textCount, totalTokens, contextSize, reps },
    engineDefault,
    sameVectors,
    rows: perRow.map((r, i) => ({ ...r, runs: seconds[i].map((s) => round(s, 3)) })),
  });
  console.log(`wrote ${out}`);
}
