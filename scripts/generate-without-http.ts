/**
 * Generates through gemserve's generation service in process, with no HTTP server: the same
 * pipeline the routes, the Batch worker (and later the Live API and the CLI) call. A worked
 * example of embedding gemserve, and the proof that the pipeline needs no transport.
 *
 *   npx tsx scripts/generate-without-http.ts "Tell me a story"                 # the fake engine
 *   npx tsx scripts/generate-without-http.ts --gguf ./model.gguf "Once upon"   # a GGUF on llama.cpp
 */
import { pathToFileURL } from 'node:url';
import type { GenerateContentResponse } from '../src/api/gemini/types.js';
import { ModelCatalog } from '../src/core/catalog/model-catalog.js';
import type { Engine } from '../src/core/engine.js';
import { FakeEngine } from '../src/engines/fake/fake-engine.js';
import { ANONYMOUS_CALLER } from '../src/gateway/caller.js';
import type { UsageRecord } from '../src/gateway/usage-record.js';
import { GenerationService } from '../src/generation/generation-service.js';

/** What one run produced: the streamed text, the unary response of the same prompt, and the usage records. */
export interface DirectRun {
  streamed: string;
  response: GenerateContentResponse;
  usage: UsageRecord[];
}

const MODEL = 'gemini-2.0-flash';

/** Streams `prompt` (writing each text delta to `onText`), then asks it once more unary, through `engine`. */
export async function generateWithoutHttp(engine: Engine, prompt: string, onText: (text: string) => void = () => {}): Promise<DirectRun> {
  const usage: UsageRecord[] = [];
  const service = new GenerationService({ catalog: new ModelCatalog([{ id: MODEL, engine }]), usageSinks: [(r) => { usage.push(r); }] });
  const caller = ANONYMOUS_CALLER;
  const body = { contents: [{ role: 'user', parts: [{ text: prompt }] }], generationConfig: { maxOutputTokens: 64, temperature: 0 } };
  const call = (method: string) => ({
    caller, model: service.resolveModel(caller, MODEL, 'v1beta', method), requestedModel: MODEL, method,
    signal: AbortSignal.timeout(120_000), body,
  });

  let streamed = '';
  const stream = await service.stream(call('streamGenerateContent'));
  for await (const chunk of stream.chunks) {
    const text = (chunk.candidates?.[0]?.content?.parts ?? []).map((p) => p.text ?? '').join('');
    streamed += text;
    onText(text);
  }
  const { response } = await service.generate(call('generateContent'));
  return { streamed, response, usage };
}

async function main(argv: string[]): Promise<void> {
  const at = argv.indexOf('--gguf');
  const gguf = at >= 0 ? argv[at + 1] : undefined;
  const prompt = argv.filter((_, i) => i !== at && i !== at + 1).join(' ') || 'Tell me a story';
  let engine: Engine;
  if (gguf) {
    const { createLlamaCppEngine } = await import('../src/engines/llama-cpp/llama-cpp-engine.js');
    engine = await createLlamaCppEngine({ modelPath: gguf });
  } else {
    engine = new FakeEngine();
  }
  try {
    const run = await generateWithoutHttp(engine, prompt, (t) => process.stdout.write(t));
    process.stdout.write(`\n\nunary: ${JSON.stringify(run.response.usageMetadata)}\n`);
    for (const r of run.usage) process.stdout.write(`usage: ${r.method} ${r.status} ${r.totalTokens} tokens, ${r.latencyMs.toFixed(1)} ms\n`);
  } finally {
    await engine.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2));
