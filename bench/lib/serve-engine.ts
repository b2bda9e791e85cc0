import type { Engine } from '../../src/core/engine.js';
import { startServer, type TestServer } from '../../test/contract/helpers/start-server.js';

/** The id benchmarks request; any served id would do. */
export const BENCH_MODEL_ID = 'gemini-2.0-flash';

/** gemserve serving one engine (whatever its kind), as a benchmark drives it. */
export interface ServedEngine<E extends Engine> extends AsyncDisposable {
  readonly baseUrl: string;
  readonly engine: E;
  readonly server: TestServer;
  /** Closes the server, then disposes the engine. Idempotent. */
  close(): Promise<void>;
}

/**
 * gemserve on 127.0.0.1 (ephemeral port) with `engine` bound to BENCH_MODEL_ID; takes ownership
 * of the engine (disposed on close, or at once if the server fails to start). The engine is
 * created by the caller, so one helper serves the embedded engine, llama-server or any other.
 */
export async function serveEngine<E extends Engine>(engine: E): Promise<ServedEngine<E>> {
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
