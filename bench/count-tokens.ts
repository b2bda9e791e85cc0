/**
 * countTokens on a gemini-cli-sized request: a ~30 KB system instruction, 15 function
 * declarations with `parametersJsonSchema` and one user turn, the shape gemini-cli 0.61 sends
 * (google-gemini/gemini-cli, packages/core/src/core/prompts.ts and its tool registry). Through
 * gemserve's `:countTokens` over HTTP, side by side with the same engine counting the same
 * converted input in process (the engine alone) and node-llama-cpp tokenizing the bare text
 * (the floor). Also checks that the count equals the `promptTokenCount` generateContent reports.
 *
 *   npx tsx bench/count-tokens.ts [--quick] [--reps 20] [--model PATH]
 */
import type { GenerateContentRequest } from '../src/api/gemini/types.js';
import { ModelCatalog } from '../src/core/catalog/model-catalog.js';
import { convertToCountTokensInput } from '../src/convert/convert-to-count-tokens-input.js';
import { createLlamaCppEngine } from '../src/engines/llama-cpp/llama-cpp-engine.js';
import { loadLlamaModel } from '../src/engines/llama-cpp/load-llama-model.js';
import { MODEL_OPTION, resolveBenchModel } from './lib/bench-model.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import { fillerText } from './lib/filler-text.js';
import { modelSummary } from './lib/model-info.js';
import { printTable } from './lib/print-table.js';
import { median, nowMs, percentile, round } from './lib/stats.js';
import { BENCH_MODEL_ID, serveEngine } from './lib/serve-engine.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'count-tokens';
const SYSTEM_BYTES = 30 * 1024;
const TOOLS = 15;

const args = readBenchArgs(process.argv.slice(2), ['reps', MODEL_OPTION]);
const reps = intOption(args, 'reps', args.quick ? 5 : 20);
const head = resultsHead(NAME, args.quick);

/** gemini-cli's tools, in number and shape: a name, a description, a JSON Schema of a few typed, described properties. */
function declarations(): NonNullable<GenerateContentRequest['tools']>[number]['functionDeclarations'] {
  return Array.from({ length: TOOLS }, (_, i) => ({
    name: `tool_${i}`,
    description: `${fillerText(3)} Use it for task ${i}.`,
    parametersJsonSchema: {
      type: 'object',
      properties: {
        path: { type: 'string', description: 'The absolute path of the file or directory to work on.' },
        pattern: { type: 'string', description: 'A glob or regular expression that selects what to include.' },
        limit: { type: 'integer', minimum: 1, description: 'How many lines or entries at most.' },
        recursive: { type: 'boolean', description: 'Whether to descend into subdirectories.' },
      },
      required: ['path'],
    },
  }));
}

const system = fillerText(400).slice(0, SYSTEM_BYTES);
const request: GenerateContentRequest = {
  systemInstruction: { role: 'user', parts: [{ text: system }] },
  contents: [{ role: 'user', parts: [{ text: '<session_context>This is the Gemini CLI.</session_context> Summarise the repository layout.' }] }],
  tools: [{ functionDeclarations: declarations() }],
};
const bodyBytes = JSON.stringify({ generateContentRequest: { model: `models/${BENCH_MODEL_ID}`, ...request } }).length;

const model = await resolveBenchModel(args);
const engine = await createLlamaCppEngine({ modelPath: model.path, threads: 1, parallel: 1, contextSize: 32_768 });
await using served = await serveEngine(engine);
const url = `${served.baseUrl}/v1beta/models/${BENCH_MODEL_ID}`;
const post = async (method: string, body: unknown) => {
  const res = await fetch(`${url}:${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};
const countBody = { generateContentRequest: { model: `models/${BENCH_MODEL_ID}`, ...request } };

// The converted input the engine counts, as the service builds it (no media here).
const entry = new ModelCatalog([{ id: BENCH_MODEL_ID, engine }]).get(BENCH_MODEL_ID)!;
const input = convertToCountTokensInput(countBody, entry);
const bare = await loadLlamaModel(model.path);

const samples = { http: [] as number[], engine: [] as number[], tokenize: [] as number[] };
let counted = 0;
for (let i = 0; i < reps + 2; i++) {
  // Alternating, so drift in machine load hits all three alike; the first two are warm-up.
  let t = nowMs();
  counted = (await post('countTokens', countBody)).totalTokens as number;
  const http = nowMs() - t;
  t = nowMs();
  await engine.countTokens(input);
  const direct = nowMs() - t;
  t = nowMs();
  bare.model.tokenize(system);
  const tokenize = nowMs() - t;
  if (i < 2) continue;
  samples.http.push(http);
  samples.engine.push(direct);
  samples.tokenize.push(tokenize);
}
const generated = await post('generateContent', { ...request, generationConfig: { maxOutputTokens: 1 } });
const promptTokenCount = (generated.usageMetadata as { promptTokenCount: number }).promptTokenCount;
await bare.dispose();

const row = (what: string, ms: number[]) => [what, round(median(ms), 2), round(percentile(ms, 95), 2)];
printTable(`countTokens, ${Math.round(bodyBytes / 1024)} KB request (${Math.round(SYSTEM_BYTES / 1024)} KB system instruction, ${TOOLS} tools), ${reps} reps, ${modelSummary(model.info)}`,
  ['what', 'median ms', 'p95 ms'], [
    row('gemserve :countTokens over HTTP', samples.http),
    row('the engine counting the converted input (in process)', samples.engine),
    row('node-llama-cpp tokenizing the system text alone', samples.tokenize),
  ]);
console.log(`\ntotalTokens ${counted}; generateContent's promptTokenCount ${promptTokenCount}: ${counted === promptTokenCount ? 'equal' : 'DIFFERENT'}`);
console.log(`host: ${head.host.cores} cores, ${head.host.cpu}, node ${head.host.node}, load avg ${head.host.loadAverage1m}`);
if (!args.noWrite) {
  console.log(`wrote ${writeResults(NAME, {
    ...head, model: model.info, reps, requestBytes: bodyBytes, systemBytes: SYSTEM_BYTES, tools: TOOLS, totalTokens: counted, promptTokenCount,
    medianMs: { http: median(samples.http), engine: median(samples.engine), tokenize: median(samples.tokenize) },
    p95Ms: { http: percentile(samples.http, 95), engine: percentile(samples.engine, 95), tokenize: percentile(samples.tokenize, 95) },
  })}`);
}
