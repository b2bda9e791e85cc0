/**
 * The `engines` and `models` sections of the config file: which engines to build and which
 * model ids each serves. Shapes and validation live here; building engines from them is the
 * CLI's job (src/cli/create-engine.ts), so config stays free of engine code.
 *
 * ```json
 * { "engines": { "main": { "kind": "llama-cpp", "model": "./m.gguf", "threads": 1, "parallel": 4 },
 *                "eyes": { "kind": "llama-server", "model": "./g.gguf", "mmproj": "./mmproj-g.gguf" },
 *                "demo": { "kind": "fake" },
 *                "google": { "kind": "gemini-upstream", "model": "gemini-2.5-flash", "apiKeyEnv": "GEMINI_API_KEY" },
 *                "google-embed": { "kind": "gemini-upstream", "model": "gemini-embedding-001", "embeddingDimensions": 3072 },
 *                "ollama": { "kind": "openai-compatible", "baseUrl": "http://localhost:11434/v1", "model": "qwen3:0.6b" } },
 *   "models":  { "gemini-2.0-flash": { "engine": "main" }, "my-local": "demo", "gemini-embedding-001": "google-embed" } }
 * ```
 */
import { isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import {
  autoOrInteger, boolean, httpUrl, integer, list, text, InvalidSettingValue, type SettingParser,
} from './setting-parsers.js';

/** A llama.cpp engine on one GGUF file; unset tuning falls back to the global settings. */
export interface LlamaCppEngineConfig {
  kind: 'llama-cpp';
  /** An absolute GGUF path, or a model name to look up in the pull cache. */
  model: string;
  threads?: 'auto' | number;
  parallel?: number;
  contextSize?: number;
  maxQueue?: number;
}

/**
 * llama.cpp's llama-server run as a child process (src/engines/llama-server): the engine for
 * images and audio (`mmproj`); unset tuning falls back to the global settings.
 */
export interface LlamaServerEngineConfig {
  kind: 'llama-server';
  /** An absolute GGUF path, or a model name to look up in the pull cache. */
  model: string;
  /** The multimodal projector GGUF (absolute once parsed). */
  mmproj?: string;
  /** The llama-server binary (absolute once parsed); default `--llama-server`, PATH, then `gemserve engine build`'s. */
  binary?: string;
  threads?: 'auto' | number;
  parallel?: number;
  contextSize?: number;
  maxQueue?: number;
}

/** The deterministic fake engine (src/engines/fake), for demos and tests. */
export interface FakeEngineConfig {
  kind: 'fake';
  label?: string;
  tokenDelayMs?: number;
  contextTokens?: number;
  failAfterTokens?: number;
  /** Also embed, with vectors this long (for embedding model bindings in demos and tests). */
  embeddingDimensions?: number;
}

/** Retries of an upstream engine (src/engines/shared/retry-policy.ts). */
export interface UpstreamRetryConfig {
  maxAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** The circuit breaker of an upstream engine (src/engines/shared/circuit-breaker.ts). */
export interface UpstreamBreakerConfig {
  failureThreshold?: number;
  coolDownMs?: number;
}

/**
 * Google's Gemini API (or any endpoint speaking it) behind gemserve (src/engines/gemini-upstream).
 * The key is never written in the config: `apiKeyEnv` names the environment variable holding it.
 */
export interface GeminiUpstreamEngineConfig {
  kind: 'gemini-upstream';
  /** The upstream's model id, e.g. `gemini-2.5-flash`. */
  model: string;
  /** Default https://generativelanguage.googleapis.com. */
  baseUrl?: string;
  /** The environment variable with the operator's key; default GEMINI_API_KEY. */
  apiKeyEnv?: string;
  timeoutMs?: number;
  contextTokens?: number;
  retry?: UpstreamRetryConfig;
  breaker?: UpstreamBreakerConfig;
  /**
   * The upstream model embeds, with vectors this long (gemini-embedding-001: 3072,
   * text-embedding-004: 768): the engine then forwards embedContent and batchEmbedContents.
   */
  embeddingDimensions?: number;
}

/** What an openai-compatible upstream's model can do (not discoverable; see the engine). */
export interface OpenAiCompatibleCapabilitiesConfig {
  maxCandidates?: number;
  contextTokens?: number;
  inputModalities?: Array<'IMAGE' | 'AUDIO'>;
  structuredOutput?: boolean;
  functionCalling?: boolean;
  thinking?: boolean;
  logprobs?: boolean;
  /** The upstream model embeds, with vectors this long (served as gemini-embedding-001 etc.). */
  embeddingDimensions?: number;
}

/** An OpenAI-style /v1/chat/completions server: vLLM, Ollama, LM Studio, llama-server (src/engines/openai-compatible). */
export interface OpenAiCompatibleEngineConfig {
  kind: 'openai-compatible';
  /** The API root with its `/v1`, e.g. http://localhost:11434/v1. */
  baseUrl: string;
  /** The upstream's model name. */
  model: string;
  /** The environment variable with the key sent as `Authorization: Bearer` (most local servers need none). */
  apiKeyEnv?: string;
  timeoutMs?: number;
  retry?: UpstreamRetryConfig;
  breaker?: UpstreamBreakerConfig;
  capabilities?: OpenAiCompatibleCapabilitiesConfig;
}

/** One engine declared in the config file. */
export type EngineConfig =
  | LlamaCppEngineConfig | LlamaServerEngineConfig | FakeEngineConfig | GeminiUpstreamEngineConfig | OpenAiCompatibleEngineConfig;

/** One engine of a split route and its share of the traffic. */
export interface RouteConfig {
  engine: string;
  weight: number;
}

/**
 * One model id bound to a declared engine, with optional listing overrides. With `routes` the
 * traffic is split between engines by weight and `engine` is the heaviest one (the one
 * `countTokens` asks); `fallback` engines take requests the routed ones failed before output.
 */
export interface ModelBindingConfig {
  engine: string;
  routes?: RouteConfig[];
  fallback?: string[];
  displayName?: string;
  description?: string;
  inputTokenLimit?: number;
  outputTokenLimit?: number;
}

type Fields = Record<string, SettingParser<unknown>>;

/** A nested object of known keys (`retry`, `breaker`, `capabilities`). */
function objectOf(fields: Fields): SettingParser<Record<string, unknown>> {
  return (v) => {
    if (!isObject(v)) throw new InvalidSettingValue(`must be an object with keys ${Object.keys(fields).join(', ')}`, v);
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(v)) {
      const parse = fields[key];
      if (!parse) throw new InvalidSettingValue(`has an unknown key ${JSON.stringify(key)}; expected one of ${Object.keys(fields).join(', ')}`, v);
      try {
        out[key] = parse(value);
      } catch (e) {
        throw new InvalidSettingValue(`.${key} ${e instanceof InvalidSettingValue ? e.message : String(e)}`, value);
      }
    }
    return out;
  };
}

/** A list of input modalities an openai-compatible model takes. */
function modalities(): SettingParser<Array<'IMAGE' | 'AUDIO'>> {
  const parse = list();
  return (v) => {
    const items = parse(v).map((s) => s.toUpperCase());
    if (!items.every((s) => s === 'IMAGE' || s === 'AUDIO')) throw new InvalidSettingValue('must list IMAGE and/or AUDIO', v);
    return items as Array<'IMAGE' | 'AUDIO'>;
  };
}

const UPSTREAM_FIELDS: Fields = {
  model: text(),
  baseUrl: httpUrl(),
  apiKeyEnv: text(),
  timeoutMs: integer(1, 3_600_000),
  retry: objectOf({ maxAttempts: integer(1, 20), initialDelayMs: integer(0, 600_000), maxDelayMs: integer(0, 3_600_000) }),
  breaker: objectOf({ failureThreshold: integer(1, 1_000), coolDownMs: integer(0, 3_600_000) }),
};

const ENGINE_FIELDS: Record<EngineConfig['kind'], Fields> = {
  'llama-cpp': {
    model: text(),
    threads: autoOrInteger(1, 1024),
    parallel: integer(1, 256),
    contextSize: integer(16, 1 << 24),
    maxQueue: integer(0, 1_000_000),
  },
  'llama-server': {
    model: text(),
    mmproj: text(),
    binary: text(),
    threads: autoOrInteger(1, 1024),
    parallel: integer(1, 256),
    contextSize: integer(16, 1 << 24),
    maxQueue: integer(0, 1_000_000),
  },
  'gemini-upstream': { ...UPSTREAM_FIELDS, contextTokens: integer(16, 1 << 24), embeddingDimensions: integer(1, 65_536) },
  'openai-compatible': {
    ...UPSTREAM_FIELDS,
    capabilities: objectOf({
      maxCandidates: integer(1, 8),
      contextTokens: integer(16, 1 << 24),
      inputModalities: modalities(),
      structuredOutput: boolean(),
      functionCalling: boolean(),
      thinking: boolean(),
      logprobs: boolean(),
      embeddingDimensions: integer(1, 65_536),
    }),
  },
  fake: {
    label: text(),
    tokenDelayMs: integer(0, 60_000),
    contextTokens: integer(16, 1 << 24),
    failAfterTokens: integer(0),
    embeddingDimensions: integer(1, 65_536),
  },
};

const BINDING_FIELDS: Fields = {
  engine: text(),
  displayName: text(),
  description: text(),
  inputTokenLimit: integer(1),
  outputTokenLimit: integer(1),
};

/** A config-file validation failure at a dotted path such as `engines.main.threads`. */
export class ConfigFieldError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field} ${message}`);
    this.name = 'ConfigFieldError';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks every key of `raw` against `fields`; unknown keys are errors so typos do not pass silently. */
function parseFields(at: string, raw: Record<string, unknown>, fields: Fields, skip: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (skip.includes(key)) continue;
    const parse = fields[key];
    if (!parse) throw new ConfigFieldError(`${at}.${key}`, `is not a known key; expected one of ${Object.keys(fields).join(', ')}`);
    try {
      out[key] = parse(value);
    } catch (e) {
      throw new ConfigFieldError(`${at}.${key}`, e instanceof InvalidSettingValue ? e.message : String(e));
    }
  }
  return out;
}

/**
 * Anchors a model reference written in the config file: a relative path counts from the
 * config file's folder; a bare name that is not a file there stays a pull-cache name.
 */
export function anchorModelRef(ref: string, baseDir: string): string {
  if (isAbsolute(ref)) return ref;
  const looksLikePath = /[\\/]/.test(ref) || existsSync(resolve(baseDir, ref));
  return looksLikePath ? resolve(baseDir, ref) : ref;
}

/** Validates the `engines` section. `baseDir` anchors relative model paths. */
export function parseEngines(raw: unknown, baseDir: string): Record<string, EngineConfig> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new ConfigFieldError('engines', 'must be an object of engine name to engine');
  const engines: Record<string, EngineConfig> = {};
  for (const [name, def] of Object.entries(raw)) {
    const at = `engines.${name}`;
    if (!isObject(def)) throw new ConfigFieldError(at, 'must be an object like {"kind": "llama-cpp", "model": "./m.gguf"}');
    const kinds = Object.keys(ENGINE_FIELDS);
    if (typeof def.kind !== 'string' || !kinds.includes(def.kind)) {
      throw new ConfigFieldError(`${at}.kind`, `must be one of ${kinds.join(', ')} (got ${JSON.stringify(def.kind)})`);
    }
    const kind = def.kind as EngineConfig['kind'];
    const fields = parseFields(at, def, ENGINE_FIELDS[kind], ['kind']);
    if (kind === 'llama-cpp' || kind === 'llama-server') {
      if (fields.model === undefined) throw new ConfigFieldError(`${at}.model`, 'is required: the GGUF file (or pulled model name) to load');
      fields.model = anchorModelRef(fields.model as string, baseDir);
    }
    if (kind === 'gemini-upstream' || kind === 'openai-compatible') {
      if (fields.model === undefined) throw new ConfigFieldError(`${at}.model`, "is required: the upstream's model id");
      if (kind === 'openai-compatible' && fields.baseUrl === undefined) {
        throw new ConfigFieldError(`${at}.baseUrl`, 'is required: the API root with its /v1, e.g. http://localhost:11434/v1');
      }
    }
    // Plain paths: relative to the config file's folder.
    for (const key of ['mmproj', 'binary'] as const) {
      if (typeof fields[key] === 'string') fields[key] = resolve(baseDir, fields[key] as string);
    }
    engines[name] = { kind, ...fields } as EngineConfig;
  }
  return engines;
}

/** Validates the `models` section against the declared engines. `"id": "engine"` is short for `{"engine": "engine"}`. */
export function parseModelBindings(raw: unknown, engines: Record<string, EngineConfig>): Record<string, ModelBindingConfig> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new ConfigFieldError('models', 'must be an object of model id to {"engine": NAME}');
  const models: Record<string, ModelBindingConfig> = {};
  for (const [id, def] of Object.entries(raw)) {
    const at = `models.${id}`;
    if (!/^[A-Za-z0-9][\w.-]*$/.test(id)) throw new ConfigFieldError(at, 'is not a valid model id (letters, digits, ".", "_", "-")');
    const obj = typeof def === 'string' ? { engine: def } : def;
    if (!isObject(obj)) throw new ConfigFieldError(at, 'must be an engine name or an object like {"engine": "main"}');
    const { routes: rawRoutes, fallback: rawFallback, ...rest } = obj;
    const fields = parseFields(at, rest, BINDING_FIELDS) as Partial<ModelBindingConfig>;
    const known = (field: string, name: unknown): string => {
      if (typeof name !== 'string' || !engines[name]) {
        throw new ConfigFieldError(field, `names no engine declared under "engines" (got ${JSON.stringify(name)}; declared: ${Object.keys(engines).join(', ') || 'none'})`);
      }
      return name;
    };
    const routes = rawRoutes === undefined ? undefined : parseRoutes(`${at}.routes`, rawRoutes, known);
    const fallback = rawFallback === undefined ? undefined : parseFallback(`${at}.fallback`, rawFallback, known);
    if (routes && fields.engine !== undefined) throw new ConfigFieldError(`${at}.engine`, 'cannot be set together with "routes"');
    if (routes) fields.engine = [...routes].sort((a, b) => b.weight - a.weight)[0].engine;
    if (fields.engine === undefined) throw new ConfigFieldError(`${at}.engine`, 'is required: the name of an engine under "engines" (or "routes")');
    known(`${at}.engine`, fields.engine);
    models[id] = { ...fields, ...(routes ? { routes } : {}), ...(fallback ? { fallback } : {}) } as ModelBindingConfig;
  }
  return models;
}

/** `"routes": [{"engine": "a", "weight": 90}, {"engine": "b", "weight": 10}]`. */
function parseRoutes(at: string, raw: unknown, known: (field: string, name: unknown) => string): RouteConfig[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ConfigFieldError(at, 'must be a non-empty array like [{"engine": "a", "weight": 90}]');
  return raw.map((r, i) => {
    if (!isObject(r)) throw new ConfigFieldError(`${at}[${i}]`, 'must be an object like {"engine": "a", "weight": 90}');
    const weight = r.weight ?? 1;
    if (typeof weight !== 'number' || !(weight > 0)) throw new ConfigFieldError(`${at}[${i}].weight`, 'must be a positive number');
    const extra = Object.keys(r).filter((k) => k !== 'engine' && k !== 'weight');
    if (extra.length) throw new ConfigFieldError(`${at}[${i}].${extra[0]}`, 'is not a known key; expected engine, weight');
    return { engine: known(`${at}[${i}].engine`, r.engine), weight };
  });
}

/** `"fallback": ["c", "d"]`. */
function parseFallback(at: string, raw: unknown, known: (field: string, name: unknown) => string): string[] {
  if (!Array.isArray(raw)) throw new ConfigFieldError(at, 'must be an array of engine names');
  return raw.map((name, i) => known(`${at}[${i}]`, name));
}
