import { createHash } from 'node:crypto';
import type { GenerateContentRequest } from '../../api/gemini/types.js';
import { canonicalJson } from './canonical-json.js';

/** Bumped whenever what a key covers (or how entries are encoded) changes, so old SQLite entries stop matching. */
const KEY_VERSION = 1;

/** What makes two requests the same request. */
export interface ResponseCacheKeyParts {
  /** Whose cache: the caller's id, or `*` when callers share (`--cache-shared`). */
  partition: string;
  /** The resolved model id (`models/` stripped; the same for `gemini-2.0-flash` and `models/gemini-2.0-flash`). */
  model: string;
  /**
   * The engine behind it (kind and label, e.g. `llama-cpp:qwen3-0.6b.gguf`): a server restarted
   * with other weights bound to the same id must not answer from the old model's entries.
   */
  engine: string;
  /**
   * The parsed request: field names already normalised (snake_case → camelCase), numbers given
   * as strings already coerced (parse-gemini-request.ts), so only its canonical JSON is left to
   * take (key order irrelevant). All of it counts, safety settings included: a field that makes
   * no difference to the answer costs at worst a miss, a field wrongly left out a wrong answer.
   */
  request: GenerateContentRequest;
}

/** The cache key: SHA-256 (hex) of the parts' canonical JSON. */
export function responseCacheKey(parts: ResponseCacheKeyParts): string {
  return createHash('sha256')
    .update(canonicalJson({ v: KEY_VERSION, ...parts }))
    .digest('hex');
}
