import { createLlamaCppEngine, type LlamaCppEngine, type LlamaCppEngineOptions } from '../../src/engines/llama-cpp/llama-cpp-engine.js';
import { startServer, type TestServer } from '../../test/contract/helpers/start-server.js';

/** The id benchmarks request; any served id would do. */
export const BENCH_MODEL_ID = 'gemini-2.0-flash';

export interface LlamaServer extends AsyncDisposable {
  readonly baseUrl: string;
  readonly engine: LlamaCppEngine;
  readonly server: TestServer;
  /** Closes the server, then disposes the engine (model and context). */
  close(): Promise<void>;
}

/** gemserve on 127.0.0.1 (ephemeral port) serving one GGUF through the llama-cpp engine. */
export async function startLlamaServer(opts: LlamaCppEngineOptions): Promise<LlamaServer> {
  const engine = await createLlamaCppEngine(opts);
  let server: TestServer;
  try {
    server = await startServer({ bindings: [{ id: BENCH_MODEL_ID, engine }] });
  } catch (e) {
    await engine.dispose();
    throw e;
  }
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= server.close().then(() => engine.dispose()));
  return { baseUrl: server.baseUrl, engine, server, close, [Symbol.asyncDispose]: close };
}
