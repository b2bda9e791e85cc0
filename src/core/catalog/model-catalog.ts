import type { Engine } from '../engine.js';
import { Errors } from '../errors.js';
import { GEMINI_ALIASES, GEMINI_MODELS, TEXT_METHODS, type ModelDefinition } from './gemini-models.js';

/** A served model: its definition and the engine that runs it. */
export interface CatalogEntry {
  definition: ModelDefinition;
  engine: Engine;
}

/** How to bind a model id to an engine: either a known Gemini id (its documented definition is used) or any other id (described from the engine). */
export interface ModelBinding {
  id: string;
  engine: Engine;
  /** Overrides for a local model's listing (display name, limits). */
  definition?: Partial<ModelDefinition>;
}

const KNOWN = new Map(GEMINI_MODELS.map((m) => [m.id, m]));

/** Definition for a model that is not in Google's catalog (e.g. a GGUF file's own name). */
function localDefinition(id: string, engine: Engine): ModelDefinition {
  return {
    id,
    version: '001',
    displayName: id,
    description: `Local model ${engine.label} served by the ${engine.kind} engine.`,
    inputTokenLimit: engine.capabilities.contextTokens,
    outputTokenLimit: engine.capabilities.contextTokens,
    supportedGenerationMethods: TEXT_METHODS,
    temperature: 1,
    maxTemperature: 2,
    topP: 0.95,
    topK: 40,
    thinking: false,
    legacy: false,
    outputModalities: ['TEXT'],
  };
}

/** Strips `models/` (and tolerates `tunedModels/`) from a name the client sent. */
export function modelIdOf(name: string): string {
  return name.replace(/^(models|tunedModels)\//, '');
}

/**
 * The models this server answers for, by id. Built once at startup from configuration;
 * `-latest` aliases resolve to their target when the target is bound.
 */
export class ModelCatalog {
  readonly #entries = new Map<string, CatalogEntry>();

  constructor(bindings: ModelBinding[]) {
    for (const b of bindings) {
      const known = KNOWN.get(b.id);
      const definition = { ...(known ?? localDefinition(b.id, b.engine)), ...b.definition, id: b.id };
      this.#entries.set(b.id, { definition, engine: b.engine });
    }
    for (const [alias, target] of Object.entries(GEMINI_ALIASES)) {
      const t = this.#entries.get(target);
      if (t && !this.#entries.has(alias)) {
        this.#entries.set(alias, {
          engine: t.engine,
          definition: { ...t.definition, id: alias, aliasOf: target, description: `Alias that points to ${target}.` },
        });
      }
    }
  }

  /** All served entries, in binding order. */
  list(): CatalogEntry[] {
    return [...this.#entries.values()];
  }

  /** The entry for a client-supplied name, or Google's 404 text for `method`. */
  resolve(name: string, apiVersion: string, method: string): CatalogEntry {
    const entry = this.#entries.get(modelIdOf(name));
    if (!entry) throw Errors.modelNotFound(modelIdOf(name), apiVersion, method);
    return entry;
  }

  get(name: string): CatalogEntry | undefined {
    return this.#entries.get(modelIdOf(name));
  }

  /** Distinct engines, for disposal and health checks. */
  engines(): Engine[] {
    return [...new Set(this.list().map((e) => e.engine))];
  }
}
