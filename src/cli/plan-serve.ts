/**
 * Decides what `serve` runs, before anything is loaded: which engines to build (with every
 * setting filled in) and which model ids each one answers for. Pure apart from looking model
 * names up in the pull cache, so the binding rules are tested without loading a model.
 *
 * Rules:
 * - Engines and `models` from the config file are used as written; an engine that no model
 *   binds is not loaded (a note says so).
 * - `--model PATH|NAME` adds one engine bound to every Gemini model id
 *   (src/core/catalog/gemini-models.ts) not already bound by the config nor served by an alias,
 *   and to the file's own name (`stories260K` for `stories260K.gguf`), so both are listed. The
 *   engine is llama-cpp (embedded), or llama-server with `--engine llama-server` or `--mmproj`
 *   (images need llama.cpp's multimodal projector, which only llama-server runs). Unless
 *   `--strict-models`, it also serves every other `gemini-*` name (the plan's `fallback`).
 * - `aliases` (`--alias PATTERN=MODEL`) serve names matching a pattern with a bound model (its
 *   engine, routes included) or a declared engine; a target that is neither stops startup. An
 *   alias outranks `--model`'s implicit bindings, never the config's own `models`.
 * - llama-cpp / llama-server tuning left unset on an engine comes from the settings (`--threads`,
 *   `--parallel`, ...); `contextSize` only when set explicitly, so an unset one lets the
 *   engine use its default, min(the model's trained context, 4096).
 */
import { basename } from 'node:path';
import { GEMINI_MODELS, type ModelDefinition } from '../core/catalog/gemini-models.js';
import { parseModelPattern } from '../core/catalog/model-pattern.js';
import { ConfigError } from '../config/config-error.js';
import type { EngineConfig } from '../config/engine-config.js';
import type { LoadedSettings } from '../config/load-settings.js';
import type { EngineSpec } from './create-engine.js';
import { resolveModelPath } from './resolve-model-path.js';

/** One model id bound to a named engine of the plan. */
export interface PlannedBinding {
  id: string;
  /** The engine, or with `routes` the heaviest-weighted one. */
  engine: string;
  /** Traffic split between engines by weight (config `routes`), and engines to fall back to. */
  routes?: Array<{ engine: string; weight: number }>;
  fallback?: string[];
  definition?: Partial<ModelDefinition>;
}

/** Names matching `pattern` served by a bound model (`model`) or a named engine of the plan (`engine`). */
export interface PlannedAlias {
  pattern: string;
  model?: string;
  engine?: string;
}

/** What serve will load and bind. */
export interface ServePlan {
  /** Engines to create, by name, in load order. */
  engines: Map<string, EngineSpec>;
  bindings: PlannedBinding[];
  aliases: PlannedAlias[];
  /** The engine that serves every other `gemini-*` name (`--model` without `--strict-models`). */
  fallback?: string;
  /** Human notes about the plan (unused engines), for stderr. */
  notes: string[];
}

/** Name of the engine `--model` creates; `$` keeps it apart from the names a config file declares. */
export const MODEL_FLAG_ENGINE = '$model';

/** The model id a GGUF file is served under: its file name without `.gguf`. */
export function modelIdOfFile(path: string): string {
  return basename(path).replace(/\.gguf$/i, '');
}

/** The engine `--model` runs on: llama-server when asked for, or when `--mmproj` needs it. */
function modelFlagEngine({ settings, sources }: LoadedSettings, model: string): EngineConfig {
  if (settings.mmproj && settings.engine === 'llama-cpp' && sources.engine !== 'default') {
    throw new ConfigError('--mmproj needs --engine llama-server: the embedded llama-cpp engine cannot take images');
  }
  if (settings.mmproj) return { kind: 'llama-server', model, mmproj: settings.mmproj };
  return settings.engine === 'llama-server' ? { kind: 'llama-server', model } : { kind: 'llama-cpp', model };
}

/** Builds the plan. Throws ConfigError when nothing would be served, GemserveError BAD_MODEL_FILE for an unknown model name. */
export async function planServe(loaded: LoadedSettings, cwd: string): Promise<ServePlan> {
  const { settings, sources, file } = loaded;
  const resolveModel = (ref: string) => resolveModelPath(ref, { cwd, modelsDir: settings.modelsDir });
  const tune = async <E extends Extract<EngineConfig, { kind: 'llama-cpp' | 'llama-server' }>>(e: E): Promise<E> => ({
    ...e,
    model: await resolveModel(e.model),
    threads: e.threads ?? settings.threads,
    parallel: e.parallel ?? settings.parallel,
    maxQueue: e.maxQueue ?? settings.maxQueue,
    contextSize: e.contextSize ?? (sources.contextSize === 'default' ? undefined : settings.contextSize),
  });
  const withDefaults = async (e: EngineConfig): Promise<EngineSpec> => {
    if (e.kind === 'fake' || e.kind === 'gemini-upstream' || e.kind === 'openai-compatible') return e;
    if (e.kind === 'llama-cpp') return tune(e);
    return { ...await tune(e), binary: e.binary ?? settings.llamaServer, cacheDir: settings.engineCacheDir };
  };

  const bindings: PlannedBinding[] = Object.entries(file?.models ?? {}).map(([id, b]) => {
    const { engine, routes, fallback, ...definition } = b;
    return {
      id, engine, ...(routes ? { routes } : {}), ...(fallback ? { fallback } : {}),
      ...(Object.keys(definition).length ? { definition } : {}),
    };
  });
  const declared = new Map(Object.entries(file?.engines ?? {}));
  if (settings.mmproj && !settings.model) {
    throw new ConfigError('--mmproj goes with --model: the projector belongs to the text model it serves');
  }
  const aliasEntries = Object.entries(settings.aliases);
  const patterns = aliasEntries.map(([pattern]) => parseModelPattern(pattern));
  if (settings.model) {
    declared.set(MODEL_FLAG_ENGINE, modelFlagEngine(loaded, settings.model));
    const bound = new Set(bindings.map((b) => b.id));
    const targets = new Set(aliasEntries.map(([, target]) => target));
    // A Gemini id an alias serves is left to the alias (unless another alias needs it bound).
    const aliased = (id: string) => !targets.has(id) && patterns.some((p) => p.matches(id));
    for (const id of GEMINI_MODELS.map((m) => m.id)) if (!bound.has(id) && !aliased(id)) bindings.push({ id, engine: MODEL_FLAG_ENGINE });
    const own = modelIdOfFile(await resolveModel(settings.model));
    if (!bindings.some((b) => b.id === own)) bindings.push({ id: own, engine: MODEL_FLAG_ENGINE });
  }
  const boundIds = new Set(bindings.map((b) => b.id));
  const aliases = aliasEntries.map(([pattern, target]): PlannedAlias => {
    if (boundIds.has(target)) return { pattern, model: target };
    if (declared.has(target)) return { pattern, engine: target };
    const engineNames = [...declared.keys()].filter((n) => n !== MODEL_FLAG_ENGINE);
    throw new ConfigError(
      `alias ${pattern}=${target}: ${target} is neither a served model nor an engine declared under "engines"` +
        (engineNames.length ? ` (engines: ${engineNames.join(', ')})` : ''),
    );
  });
  const fallback = settings.model && !settings.strictModels ? MODEL_FLAG_ENGINE : undefined;
  if (bindings.length === 0 && aliases.length === 0) {
    throw new ConfigError(
      'nothing to serve: pass --model PATH|NAME (a GGUF file, or a model from `gemserve pull`), ' +
        'or --config FILE with "engines" and "models". See: gemserve serve --help',
    );
  }

  const used = new Set([
    ...bindings.flatMap((b) => [b.engine, ...(b.routes ?? []).map((r) => r.engine), ...(b.fallback ?? [])]),
    ...aliases.flatMap((a) => (a.engine ? [a.engine] : [])),
  ]);
  const engines = new Map<string, EngineSpec>();
  const notes: string[] = [];
  for (const [name, e] of declared) {
    if (used.has(name)) engines.set(name, await withDefaults(e));
    else notes.push(`engine ${name} is not bound to any model in "models"; not loading it`);
  }
  return { engines, bindings, aliases, ...(fallback ? { fallback } : {}), notes };
}
