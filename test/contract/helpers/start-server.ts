/**
 * Starts the real gemserve HTTP server (`createApp` + `listen` on an ephemeral port) for
 * contract tests, which then drive it with the official SDKs or raw `fetch`.
 */
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../../src/http/create-app.js';
import { ModelCatalog, type ModelBinding } from '../../../src/core/catalog/model-catalog.js';
import type { CodeRunner } from '../../../src/core/code-runner.js';
import type { FileService } from '../../../src/storage/files/file-service.js';

/** What a test configures; everything else gets a permissive default. */
export interface TestServerOptions {
  /** Model ids bound to engines, as the CLI would bind them from configuration. */
  bindings: ModelBinding[];
  /** Accepted API keys; empty (the default) accepts any key or none. */
  apiKeys?: readonly string[];
  /** e.g. `/gemini`; `baseUrl` then includes it. */
  mountPrefix?: string;
  /** Defaults to 100 MiB: Google's documented inline request limit (GEMINI-API.md §2.7). */
  bodyLimitBytes?: number;
  isReady?: () => boolean;
  /** The Files API behind the server (e.g. `openLocalFileService` on a temp dir with a FakeClock); none by default. */
  files?: FileService;
  /** The code-execution sandbox (or a stand-in); none by default, so the tool is refused. */
  codeRunner?: CodeRunner;
}

export interface TestServer extends AsyncDisposable {
  /** What an SDK gets as `baseUrl`: origin plus mount prefix, no trailing slash. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>`, without the mount prefix. */
  readonly origin: string;
  readonly app: FastifyInstance;
  readonly catalog: ModelCatalog;
  /** Closes the app (and with it the listening socket). Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024 * 1024;

export async function startServer(opts: TestServerOptions): Promise<TestServer> {
  const catalog = new ModelCatalog(opts.bindings);
  const app = await createApp({
    catalog,
    apiKeys: opts.apiKeys ?? [],
    mountPrefix: opts.mountPrefix,
    bodyLimitBytes: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    logger: false,
    isReady: opts.isReady,
    files: opts.files,
    codeRunner: opts.codeRunner,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected listen address ${String(address)}`);
  const origin = `http://127.0.0.1:${address.port}`;
  const prefix = (opts.mountPrefix ?? '').replace(/\/+$/, '');

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    await app.close();
  })());
  return {
    baseUrl: origin + prefix,
    origin,
    app,
    catalog,
    close,
    [Symbol.asyncDispose]: close,
  };
}
