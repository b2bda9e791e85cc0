/**
 * The `engines` and `models` sections of the config file: which engines to build and which
 * model ids each serves. Each engine kind describes its own fields once, in its descriptor
 * (src/engines/<kind>/<kind>-engine-descriptor.ts, listed in src/engines/engine-descriptors.ts);
 * here those descriptions become parsers, required-field checks and anchored paths. Building
 * engines from the result is the CLI's job (src/cli/create-engine.ts, through the same descriptors).
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
import type { ConfigField, ConfigFields } from '../core/config-fields.js';
import type { EngineConfigOf } from '../core/engine-descriptor.js';
import { ENGINE_DESCRIPTORS, findEngineDescriptor } from '../engines/engine-descriptors.js';
import {
  autoOrInteger, boolean, httpUrl, integer, list, text, InvalidSettingValue, type SettingParser,
} from './setting-parsers.js';

/** One engine declared in the config file: its `kind` and the fields its descriptor takes (src/engines/<kind>/). */
export type EngineConfig = EngineConfigOf<(typeof ENGINE_DESCRIPTORS)[number]>;

/** The config of one engine kind. */
export type EngineConfigOfKind<K extends EngineConfig['kind']> = Extract<EngineConfig, { kind: K }>;

/** A llama.cpp engine on one GGUF file; unset tuning falls back to the global settings. */
export type LlamaCppEngineConfig = EngineConfigOfKind<'llama-cpp'>;
/** llama.cpp's llama-server run as a child process: the engine for images and audio (`mmproj`). */
export type LlamaServerEngineConfig = EngineConfigOfKind<'llama-server'>;
/** The deterministic fake engine, for demos and tests. */
export type FakeEngineConfig = EngineConfigOfKind<'fake'>;
/** Google's Gemini API behind gemserve; `apiKeyEnv` names the variable holding the key. */
export type GeminiUpstreamEngineConfig = EngineConfigOfKind<'gemini-upstream'>;
/** An OpenAI-style /v1/chat/completions server. */
export type OpenAiCompatibleEngineConfig = EngineConfigOfKind<'openai-compatible'>;

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

/** A list of some of `words`, in any case, each kept as `words` spells it (input modalities: IMAGE and/or AUDIO). */
function wordList(words: readonly string[]): SettingParser<string[]> {
  const parse = list();
  const canonical = new Map(words.map((w) => [w.toUpperCase(), w]));
  const expected = words.length > 1 ? `${words.slice(0, -1).join(', ')} and/or ${words.at(-1)}` : words.join('');
  return (v) => {
    const items = parse(v).map((s) => canonical.get(s.toUpperCase()));
    if (!items.every((w) => w !== undefined)) throw new InvalidSettingValue(`must list ${expected}`, v);
    return items as string[];
  };
}

/** One of `words`, in any case, kept as `words` spells it. */
function word(words: readonly string[]): SettingParser<string> {
  const parse = text();
  const canonical = new Map(words.map((w) => [w.toUpperCase(), w]));
  return (v) => {
    const w = canonical.get(parse(v).toUpperCase());
    if (w === undefined) throw new InvalidSettingValue(`must be one of ${words.join(', ')}`, v);
    return w;
  };
}

/** The parser of one field of an engine descriptor (src/core/config-fields.ts). */
function fieldParser(field: ConfigField): SettingParser<unknown> {
  switch (field.type) {
    case 'text': return text();
    case 'integer': return integer(field.min, field.max);
    case 'auto-or-integer': return autoOrInteger(field.min, field.max);
    case 'boolean': return boolean();
    case 'http-url': return httpUrl();
    case 'word-list': return wordList(field.words);
    case 'word': return word(field.words);
    case 'object': return objectOf(fieldParsers(field.fields));
  }
}

/** Parsers of the fields a config file may set. */
function fieldParsers(fields: ConfigFields): Fields {
  const out: Fields = {};
  for (const [name, field] of Object.entries(fields)) if (!field.notInConfigFile) out[name] = fieldParser(field);
  return out;
}

/** Each kind's parsers, built once. */
const ENGINE_FIELDS: ReadonlyMap<string, Fields> = new Map(ENGINE_DESCRIPTORS.map((d) => [d.kind, fieldParsers(d.fields)]));

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

/** Validates the `engines` section against the engine descriptors. `baseDir` anchors relative paths. */
export function parseEngines(raw: unknown, baseDir: string): Record<string, EngineConfig> {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new ConfigFieldError('engines', 'must be an object of engine name to engine');
  const engines: Record<string, EngineConfig> = {};
  for (const [name, def] of Object.entries(raw)) {
    const at = `engines.${name}`;
    if (!isObject(def)) throw new ConfigFieldError(at, 'must be an object like {"kind": "llama-cpp", "model": "./m.gguf"}');
    const descriptor = typeof def.kind === 'string' ? findEngineDescriptor(def.kind) : undefined;
    if (!descriptor) {
      const kinds = ENGINE_DESCRIPTORS.map((d) => d.kind);
      throw new ConfigFieldError(`${at}.kind`, `must be one of ${kinds.join(', ')} (got ${JSON.stringify(def.kind)})`);
    }
    const fields = parseFields(at, def, ENGINE_FIELDS.get(descriptor.kind)!, ['kind']);
    for (const [key, field] of Object.entries(descriptor.fields as ConfigFields)) {
      const value = fields[key];
      if (value === undefined) {
        if (field.required) throw new ConfigFieldError(`${at}.${key}`, `is required: ${field.required}`);
      } else if (field.type === 'text' && field.anchor === 'model') {
        fields[key] = anchorModelRef(value as string, baseDir);
      } else if (field.type === 'text' && field.anchor === 'path') {
        fields[key] = resolve(baseDir, value as string); // plain paths: relative to the config file's folder
      }
    }
    engines[name] = { kind: descriptor.kind, ...fields } as EngineConfig;
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
