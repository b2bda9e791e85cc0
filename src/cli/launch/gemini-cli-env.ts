/**
 * The environment gemini-cli runs in: the user's, pointed at gemserve.
 *
 * From gemini-cli 0.61's bundled source (google-gemini/gemini-cli):
 * - packages/core/src/core/contentGenerator.ts `createContentGenerator`: the base URL is
 *   `GOOGLE_GEMINI_BASE_URL` (a path prefix is kept), the key `GEMINI_API_KEY`, sent as
 *   `x-goog-api-key`;
 * - the @google/genai SDK it bundles takes `GOOGLE_API_KEY` before `GEMINI_API_KEY`
 *   (js-genai src/node/node_client.ts `getApiKeyFromEnv`) wherever gemini-cli passes no key
 *   itself, so a Google key in the user's environment must not reach it;
 * - `getAuthTypeFromEnv` lets `GOOGLE_GENAI_USE_GCA` and `GOOGLE_GENAI_USE_VERTEXAI` pick
 *   Google login or Vertex AI when settings name no auth type; they go too, so nothing sends
 *   gemini-cli to Google whatever the settings say;
 * - packages/core/src/utils/paths.ts `homedir`: `GEMINI_CLI_HOME` replaces the home directory
 *   for everything gemini-cli keeps (settings, history, OAuth tokens).
 */

/** Variables removed from gemini-cli's environment (see the file comment). */
export const REMOVED_VARIABLES = ['GOOGLE_API_KEY', 'GOOGLE_GENAI_USE_GCA', 'GOOGLE_GENAI_USE_VERTEXAI'] as const;

/** What points gemini-cli at gemserve. */
export interface GeminiCliTarget {
  /** gemserve's base URL, with its mount prefix, no trailing slash. */
  baseUrl: string;
  /** The key gemini-cli sends. */
  apiKey: string;
  /** A private gemini-cli home (its `.gemini/settings.json` selects API-key auth); absent: the user's own. */
  home?: string;
}

/** `env` with gemini-cli pointed at `target`; `env` itself is not changed. */
export function geminiCliEnv(env: NodeJS.ProcessEnv, target: GeminiCliTarget): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const name of REMOVED_VARIABLES) delete out[name];
  out.GOOGLE_GEMINI_BASE_URL = target.baseUrl;
  out.GEMINI_API_KEY = target.apiKey;
  if (target.home) out.GEMINI_CLI_HOME = target.home;
  return out;
}
