/**
 * The one settings schema: every setting gemserve reads is defined here once, with its flag,
 * env var, default and help text (the pattern of ollama's `envconfig`). Flags, env vars,
 * the config file, `--help` and the docs are all derived from this table, so a setting cannot
 * exist in one place and be missing from another.
 *
 * Precedence, highest first: command-line flag > env var > config file > default
 * (see resolve-settings.ts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  autoOrInteger, boolean, byteSize, httpUrl, integer, list, oneOf, pathPrefix, text, type SettingParser,
} from './setting-parsers.js';

/** The commands that read settings; each setting lists the ones it applies to. */
export type CommandName = 'serve' | 'models' | 'pull' | 'engine';

/**
 * How a relative path in the config file is anchored. `path`: always against the config
 * file's folder. `model`: the same when it looks like a path (has a separator or names an
 * existing file there); otherwise it is a model name looked up in the pull cache.
 */
export type PathKind = 'path' | 'model';

/** The definition of one setting. */
export interface SettingSpec<T> {
  /** The command-line flag, without `--`. */
  flag: string;
  /** The env var; always `GEMSERVE_*`. */
  env: string;
  /** Other env vars read when `env` is unset, for names other tools already use (HF_TOKEN). */
  envAliases?: readonly string[];
  /** `boolean`: a flag without a value. `list`: the flag may repeat. */
  type: 'string' | 'boolean' | 'list';
  /** Placeholder for the value in help, e.g. `PORT`. */
  valueName?: string;
  /** The default; a function because some depend on the environment (XDG_CACHE_HOME). */
  default: (env: NodeJS.ProcessEnv) => T;
  /** The default as help shows it, when printing the value would mislead or leak. */
  defaultText?: string;
  help: string;
  parse: SettingParser<T>;
  commands: readonly CommandName[];
  /** Relative paths from the config file are taken relative to that file. */
  pathKind?: PathKind;
  /** Never echoed in help or errors. */
  secret?: boolean;
  /** May not appear in the config file (the config file's own path). */
  notInConfigFile?: boolean;
}

/** Log levels of Fastify's logger (pino), plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Default request body limit: 100 MiB. Google documents inline data in a request up to
 * 100 MB (50 MB for PDFs), raised from the earlier 20 MB (ai.google.dev/gemini-api/docs/
 * file-input-methods, "Input method comparison"; shared/docs/GEMINI-API.md). Inline bytes
 * travel base64 inside the JSON body, so the body limit must be at least that large.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024 * 1024;

/** The pull cache: `$XDG_CACHE_HOME/gemserve/models`, else `~/.cache/gemserve/models` (XDG Base Directory spec). */
export function defaultModelsDir(env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(cache, 'gemserve', 'models');
}

/**
 * Where gemserve keeps what clients store (uploaded files today): `$XDG_DATA_HOME/gemserve`,
 * else `~/.local/share/gemserve` (XDG Base Directory spec).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const data = env.XDG_DATA_HOME?.startsWith('/') ? env.XDG_DATA_HOME : join(env.HOME || homedir(), '.local', 'share');
  return join(data, 'gemserve');
}

/**
 * The engine cache root: `$XDG_CACHE_HOME/gemserve`, else `~/.cache/gemserve`. `gemserve engine
 * build` puts llama-server in `<root>/llama-server/<llama.cpp release>/bin/llama-server`.
 */
export function defaultEngineCacheDir(env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(cache, 'gemserve');
}

/** The engines `--model` can run on. */
export const TEXT_ENGINES = ['llama-cpp', 'llama-server'] as const;

const constant = <T>(v: T) => () => v;
const optional = <T>(p: SettingParser<T>): SettingParser<T | undefined> => p;
const SERVE = ['serve'] as const;

/** Defines a setting; the identity function that lets TypeScript infer each setting's type. */
function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

/** Every setting, by its key (the key is also its name in the config file). */
export const SETTINGS = {
  config: setting<string | undefined>({
    flag: 'config', env: 'GEMSERVE_CONFIG', type: 'string', valueName: 'FILE',
    default: constant(undefined), defaultText: 'none',
    help: 'JSON config file with settings, engines and model bindings.',
    parse: optional(text()), commands: ['serve', 'models', 'pull'], notInConfigFile: true,
  }),
  host: setting({
    flag: 'host', env: 'GEMSERVE_HOST', type: 'string', valueName: 'HOST',
    default: constant('127.0.0.1'),
    help: 'Address to listen on. Anything but loopback needs API keys or --allow-remote.',
    parse: text(), commands: SERVE,
  }),
  port: setting({
    flag: 'port', env: 'GEMSERVE_PORT', type: 'string', valueName: 'PORT',
    default: constant(8080),
    help: 'TCP port to listen on; 0 picks a free one (the start line prints it).',
    parse: integer(0, 65535), commands: SERVE,
  }),
  allowRemote: setting({
    flag: 'allow-remote', env: 'GEMSERVE_ALLOW_REMOTE', type: 'boolean',
    default: constant(false),
    help: 'Allow listening on a non-loopback address without API keys (anyone who can reach it can use it).',
    parse: boolean(), commands: SERVE,
  }),
  apiKeys: setting({
    flag: 'api-key', env: 'GEMSERVE_API_KEYS', type: 'list', valueName: 'KEY',
    default: constant<string[]>([]), defaultText: 'none (any key accepted)',
    help: 'Accepted API key; repeat the flag for several, or GEMSERVE_API_KEYS=k1,k2.',
    parse: list(), commands: SERVE, secret: true,
  }),
  model: setting<string | undefined>({
    flag: 'model', env: 'GEMSERVE_MODEL', type: 'string', valueName: 'PATH|NAME',
    default: constant(undefined), defaultText: 'none',
    help: 'GGUF file to serve under every Gemini model id and its own name, or a model name from the pull cache.',
    parse: optional(text()), commands: SERVE, pathKind: 'model',
  }),
  mmproj: setting<string | undefined>({
    flag: 'mmproj', env: 'GEMSERVE_MMPROJ', type: 'string', valueName: 'PATH',
    default: constant(undefined), defaultText: 'none',
    help: "Vision/audio projector GGUF for --model (e.g. a Gemma 3 mmproj): images then reach the model. Implies --engine llama-server, since the embedded engine cannot take images.",
    parse: optional(text()), commands: SERVE, pathKind: 'path',
  }),
  engine: setting<(typeof TEXT_ENGINES)[number]>({
    flag: 'engine', env: 'GEMSERVE_ENGINE', type: 'string', valueName: 'KIND',
    default: constant('llama-cpp'), defaultText: 'llama-cpp (llama-server with --mmproj)',
    help: 'What runs --model: llama-cpp (embedded in gemserve) or llama-server (llama.cpp\'s server as a child process; see `gemserve engine build`).',
    parse: oneOf(TEXT_ENGINES), commands: SERVE,
  }),
  llamaServer: setting<string | undefined>({
    flag: 'llama-server', env: 'GEMSERVE_LLAMA_SERVER', type: 'string', valueName: 'PATH',
    default: constant(undefined), defaultText: 'llama-server on PATH, else the `gemserve engine build` one',
    help: 'The llama-server binary the llama-server engine runs.',
    parse: optional(text()), commands: SERVE, pathKind: 'path',
  }),
  mountPrefix: setting({
    flag: 'mount-prefix', env: 'GEMSERVE_MOUNT_PREFIX', type: 'string', valueName: 'PATH',
    default: constant(''), defaultText: 'none',
    help: 'Path prefix to serve the API under, e.g. /gemini behind a reverse proxy.',
    parse: pathPrefix(), commands: SERVE,
  }),
  bodyLimit: setting({
    flag: 'body-limit', env: 'GEMSERVE_BODY_LIMIT', type: 'string', valueName: 'BYTES',
    default: constant(DEFAULT_BODY_LIMIT_BYTES), defaultText: '100MiB',
    help: 'Largest request body (inline images travel base64 in it); accepts 100MiB, 20MB, ...',
    parse: byteSize(1024), commands: SERVE,
  }),
  threads: setting<'auto' | number>({
    flag: 'threads', env: 'GEMSERVE_THREADS', type: 'string', valueName: 'N',
    default: constant('auto'),
    help: 'CPU threads per model; auto picks per host (llama-cpp: 1 on 2 cores or fewer, else measured; llama-server: its own default).',
    parse: autoOrInteger(1, 1024), commands: SERVE,
  }),
  parallel: setting({
    flag: 'parallel', env: 'GEMSERVE_PARALLEL', type: 'string', valueName: 'N',
    default: constant(4),
    help: 'Requests a model serves at once (llama-cpp context sequences, llama-server slots).',
    parse: integer(1, 256), commands: SERVE,
  }),
  contextSize: setting({
    flag: 'context-size', env: 'GEMSERVE_CONTEXT_SIZE', type: 'string', valueName: 'TOKENS',
    default: constant(4096), defaultText: "4096, or the model's own if smaller",
    help: 'Context window per sequence, in tokens (prompt + output).',
    parse: integer(16, 1 << 24), commands: SERVE,
  }),
  maxQueue: setting({
    flag: 'max-queue', env: 'GEMSERVE_MAX_QUEUE', type: 'string', valueName: 'N',
    default: constant(64),
    help: 'Requests that may wait per model when all sequences are busy; more get 503 UNAVAILABLE.',
    parse: integer(0, 1_000_000), commands: SERVE,
  }),
  modelsDir: setting({
    flag: 'models-dir', env: 'GEMSERVE_MODELS_DIR', type: 'string', valueName: 'DIR',
    default: defaultModelsDir, defaultText: '$XDG_CACHE_HOME/gemserve/models or ~/.cache/gemserve/models',
    help: 'The pull cache: where `gemserve pull` stores models and where model names are looked up.',
    parse: text(), commands: ['serve', 'models', 'pull'], pathKind: 'path',
  }),
  engineCacheDir: setting({
    flag: 'engine-cache-dir', env: 'GEMSERVE_ENGINE_CACHE_DIR', type: 'string', valueName: 'DIR',
    default: defaultEngineCacheDir, defaultText: '$XDG_CACHE_HOME/gemserve or ~/.cache/gemserve',
    help: 'Where `gemserve engine build` puts llama-server builds (llama-server/<release>/bin/) and where the engine finds them.',
    parse: text(), commands: ['serve', 'engine'], pathKind: 'path',
  }),
  dataDir: setting({
    flag: 'data-dir', env: 'GEMSERVE_DATA_DIR', type: 'string', valueName: 'DIR',
    default: defaultDataDir, defaultText: '$XDG_DATA_HOME/gemserve or ~/.local/share/gemserve',
    help: 'Where uploaded files (Files API) are kept; created on the first upload.',
    parse: text(), commands: SERVE, pathKind: 'path',
  }),
  blocklist: setting<string | undefined>({
    flag: 'blocklist', env: 'GEMSERVE_BLOCKLIST', type: 'string', valueName: 'FILE',
    default: constant(undefined), defaultText: 'none',
    help: 'File of terms (one a line, whole words, any case) and /regex/ lines; a prompt with a text part matching one gets promptFeedback.blockReason BLOCKLIST and no candidates, as Gemini answers a blocked prompt.',
    parse: optional(text()), commands: SERVE, pathKind: 'path',
  }),
  logLevel: setting<(typeof LOG_LEVELS)[number]>({
    flag: 'log-level', env: 'GEMSERVE_LOG_LEVEL', type: 'string', valueName: 'LEVEL',
    // Not `info`: that logs a line per request, which costs more than serving a small model.
    default: constant('warn'),
    help: `Server log level on stderr: ${LOG_LEVELS.join(', ')}; info logs every request.`,
    parse: oneOf(LOG_LEVELS), commands: SERVE,
  }),
  hfEndpoint: setting({
    flag: 'hf-endpoint', env: 'GEMSERVE_HF_ENDPOINT', envAliases: ['HF_ENDPOINT'], type: 'string', valueName: 'URL',
    default: constant('https://huggingface.co'),
    help: 'Hugging Face endpoint for pulls (a mirror); HF_ENDPOINT is read too, as huggingface_hub does.',
    parse: httpUrl(), commands: ['pull'],
  }),
  hfToken: setting<string | undefined>({
    flag: 'hf-token', env: 'GEMSERVE_HF_TOKEN', envAliases: ['HF_TOKEN'], type: 'string', valueName: 'TOKEN',
    default: constant(undefined), defaultText: 'none',
    help: 'Hugging Face token for gated or private repos; HF_TOKEN is read too.',
    parse: optional(text()), commands: ['pull'], secret: true,
  }),
} as const satisfies Record<string, SettingSpec<unknown>>;

/** A setting's key. */
export type SettingKey = keyof typeof SETTINGS;

/** The resolved value of every setting. */
export type Settings = { -readonly [K in SettingKey]: (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never };

/** The keys of the settings a command reads, in schema order. */
export function settingsFor(command: CommandName): SettingKey[] {
  return (Object.keys(SETTINGS) as SettingKey[]).filter((k) =>
    (SETTINGS[k] as SettingSpec<unknown>).commands.includes(command));
}
