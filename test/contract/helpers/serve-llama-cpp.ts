import { after, before } from 'node:test';
import type { Engine } from '../../../src/core/engine.js';
import { createLlamaCppEngine } from '../../../src/engines/llama-cpp/llama-cpp-engine.js';
import { startServer, type TestServer } from './start-server.js';

/**
 * Serves model `id` on the embedded llama-cpp engine (one slot, one thread) for the suite it is
 * called in: its `before` loads the GGUF and starts the server, its `after` closes both. The
 * server is readable once `before` has run.
 */
export function serveLlamaCppForSuite(opts: { id: string; model: () => Promise<{ path: string }>; contextSize: number }): { readonly server: TestServer } {
  let engine: Engine | undefined;
  let server: TestServer | undefined;
  before(async () => {
    engine = await createLlamaCppEngine({ modelPath: (await opts.model()).path, parallel: 1, threads: 1, contextSize: opts.contextSize });
    server = await startServer({ bindings: [{ id: opts.id, engine }] });
  });
  after(async () => {
    await server?.close();
    await engine?.dispose();
  });
  return {
    get server() {
      if (!server) throw new Error('the llama-cpp test server is not started: read it inside a test');
      return server;
    },
  };
}
