import type { ModelCatalog } from '../core/catalog/model-catalog.js';
import type { CodeRunner } from '../core/code-runner.js';
import type { PromptBlocklist } from '../core/prompt-blocklist.js';
import type { FileService } from '../storage/files/file-service.js';

/** Everything `createApp` needs, injected so tests and the CLI build the same server. */
export interface AppDeps {
  catalog: ModelCatalog;
  /** Accepted API keys. Empty: any key (or none) is accepted. */
  apiKeys: readonly string[];
  /** Optional path prefix the API is mounted under, e.g. `/gemini`. */
  mountPrefix?: string;
  /** Largest accepted request body in bytes. */
  bodyLimitBytes: number;
  logger?: boolean | Record<string, unknown>;
  /** `/healthz` answers 200 only once this says the models are loaded. */
  isReady?: () => boolean;
  /**
   * The Files API (uploads, files.get/list/delete/download) and the bytes behind `fileData`
   * parts. Absent: the Files routes answer 404 like any unknown path.
   */
  files?: FileService;
  /**
   * Terms and patterns that block a prompt (`--blocklist`): generateContent then answers
   * `promptFeedback.blockReason: BLOCKLIST` without calling the engine. Absent: nothing is blocked.
   */
  blocklist?: PromptBlocklist;
  /**
   * The sandbox the code-execution tool runs Python in (src/sandbox/). Absent: requests with
   * `tools: [{codeExecution: {}}]` get a 400 saying so; code never runs unconfined.
   */
  codeRunner?: CodeRunner;
}
