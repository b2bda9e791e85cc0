import type { Engine } from '../engine.js';
import { Errors } from '../errors.js';
import { GEMINI_ALIAS_TARGETS, GEMINI_MODELS, TEXT_METHODS, type ModelDefinition } from './gemini-models.js';
import { inferGeminiDefinition } from './infer-gemini-definition.js';
import { bySpecificity, parseModelPattern, type ModelPattern } from './model-pattern.js';
import { RETIRED_GEMINI_MODELS } from './retired-gemini-models.js';

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

/**
 * Names served by a pattern (config `aliases`, `--alias PATTERN=MODEL`): `*` stands for any run of
 * characters; a pattern without `*` names one model. The target is an engine, or a bound model
 * whose engine then serves the names.
 */
export interface ModelAlias {
  pattern: string;
  engine?: Engine;
  /** A model id bound in the same catalog. */
  model?: string;
}

/** Options of {@link ModelCatalog} beyond its exact bindings. */
export interface CatalogOptions {
  aliases?: readonly ModelAlias[];
  /**
   * Serves every `gemini-*` name nothing else serves (`--model` without `--strict-models`), with
   * the capabilities of the name's family (infer-gemini-definition.ts).
   */
  fallback?: Engine;
  /**
   * Report as `inputTokenLimit` what the bound engine can take: its `capabilities.contextTokens`
   * when smaller than Google's limit, so a client sizing prompts from models.get sizes them right.
   * The server turns it on; a binding's own `inputTokenLimit` override is kept as written.
   */
  inputLimitFromEngine?: boolean;
  /** Told once per name first served through a pattern or the fallback (for a log line). */
  onPatternServed?: (id: string, via: { pattern: string; fallback: boolean; inferredFrom?: string }) => void;
}

/** At most this many names first served through a pattern are remembered (listed, logged once); more are served unlisted. */
export const MAX_PATTERN_SERVED_NAMES = 256;

/** Every definition the catalog knows by name, retired models included. */
const KNOWN = new Map([...GEMINI_MODELS, ...RETIRED_GEMINI_MODELS].map((m) => [m.id, m]));

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

interface Rule {
  pattern: ModelPattern;
  engine: Engine;
  /** The bound model a `model` alias points at. */
  target?: CatalogEntry;
}

/**
 * The models this server answers for, by id, and the one place a client's model name is resolved
 * (`resolve`, `get`: the generation service and the models routes ask here). A name resolves, in
 * order, to:
 * 1. an exact binding (config `models`, `--model`'s ids);
 * 2. an alias named exactly, then the alias pattern with the longest literal text;
 * 3. for a name Google retired: Google's answer (a 404, or the replacement it routes to);
 * 4. a `-latest` alias: the first of its targets this server serves (gemini-models.ts);
 * 5. with `fallback` (`--model`), any other `gemini-*` name.
 * Names served through a pattern or the fallback carry their own definition: the catalog's when
 * Google's catalog knows them, else one inferred from their family. ListModels lists the exact
 * bindings, every known Gemini name an alias pattern serves, the `-latest` aliases served, and
 * (lazily) the other names once a client has used them, up to {@link MAX_PATTERN_SERVED_NAMES}.
 */
export class ModelCatalog {
  readonly #entries = new Map<string, CatalogEntry>();
  /** Names first served through a pattern or the fallback, in the order they were asked for. */
  readonly #served = new Map<string, CatalogEntry>();
  readonly #rules: Rule[];
  readonly #fallback?: Rule;
  readonly #options: CatalogOptions;

  constructor(bindings: ModelBinding[], options: CatalogOptions = {}) {
    this.#options = options;
    for (const b of bindings) {
      const known = KNOWN.get(b.id);
      const definition = { ...(known ?? localDefinition(b.id, b.engine)), ...b.definition, id: b.id };
      // A binding's own inputTokenLimit is the operator's word; Google's is capped by the engine.
      const fitted = b.definition?.inputTokenLimit === undefined ? this.#fit(definition, b.engine) : definition;
      this.#entries.set(b.id, { definition: fitted, engine: b.engine });
    }
    this.#rules = bySpecificity((options.aliases ?? []).map((a) => this.#ruleOf(a)));
    if (options.fallback) this.#fallback = { pattern: parseModelPattern('gemini-*'), engine: options.fallback };
    // Known Gemini names an alias pattern serves are listed from the start.
    for (const def of GEMINI_MODELS) {
      if (this.#entries.has(def.id)) continue;
      const rule = this.#rules.find((r) => r.pattern.matches(def.id));
      if (rule) this.#entries.set(def.id, this.#patternEntry(def.id, rule));
    }
    for (const [alias, targets] of Object.entries(GEMINI_ALIAS_TARGETS)) {
      if (this.#entries.has(alias)) continue;
      const rule = this.#rules.find((r) => r.pattern.matches(alias));
      if (rule) {
        this.#entries.set(alias, this.#patternEntry(alias, rule));
        continue;
      }
      const target = targets.find((t) => this.#entries.has(t));
      const t = target && this.#entries.get(target);
      if (t && target) this.#entries.set(alias, { engine: t.engine, definition: this.#aliasDefinition(alias, target, t.definition) });
    }
  }

  /** All served entries: bindings in binding order, then names served through patterns. */
  list(): CatalogEntry[] {
    return [...this.#entries.values(), ...this.#served.values()];
  }

  /** The entry for a client-supplied name, or Google's 404 text for `method`. */
  resolve(name: string, apiVersion: string, method: string): CatalogEntry {
    const entry = this.get(name);
    if (!entry) throw Errors.modelNotFound(modelIdOf(name), apiVersion, method);
    return entry;
  }

  /** The entry for a client-supplied name, or undefined when this server does not serve it. */
  get(name: string): CatalogEntry | undefined {
    return this.#lookup(modelIdOf(name));
  }

  /** Distinct engines, for disposal and health checks (alias targets included). */
  engines(): Engine[] {
    const fromRules = [...this.#rules, ...(this.#fallback ? [this.#fallback] : [])].map((r) => r.engine);
    return [...new Set([...this.list().map((e) => e.engine), ...fromRules])];
  }

  #lookup(id: string): CatalogEntry | undefined {
    const known = this.#entries.get(id) ?? this.#served.get(id);
    if (known) return known;
    const retired = KNOWN.get(id)?.retired;
    if (retired) {
      // Only an alias naming the retired model exactly serves it; patterns answer as Google does.
      const exact = this.#rules.find((r) => r.pattern.exact && r.pattern.matches(id));
      if (exact) return this.#remember(id, exact);
      if (retired.answer === 'not-found') return undefined;
      const replacement = this.#lookup(retired.replacement);
      if (!replacement) return undefined;
      return {
        engine: replacement.engine,
        definition: {
          ...replacement.definition, id, aliasOf: replacement.definition.aliasOf ?? retired.replacement,
          description: `Retired by Google on ${retired.shutdown}; requests are routed to ${retired.replacement}.`,
        },
      };
    }
    const rule = this.#rules.find((r) => r.pattern.matches(id)) ?? (this.#fallback?.pattern.matches(id) ? this.#fallback : undefined);
    return rule ? this.#remember(id, rule) : undefined;
  }

  #remember(id: string, rule: Rule): CatalogEntry {
    const entry = this.#patternEntry(id, rule);
    if (this.#served.size < MAX_PATTERN_SERVED_NAMES) {
      this.#served.set(id, entry);
      const inferredFrom = entry.definition.inferredFrom;
      this.#options.onPatternServed?.(id, { pattern: rule.pattern.pattern, fallback: rule === this.#fallback, ...(inferredFrom ? { inferredFrom } : {}) });
    }
    return entry;
  }

  #ruleOf(alias: ModelAlias): Rule {
    const pattern = parseModelPattern(alias.pattern);
    if (alias.model !== undefined) {
      const target = this.#entries.get(alias.model);
      if (!target) throw new Error(`alias ${alias.pattern}: ${alias.model} is not a bound model`);
      return { pattern, engine: target.engine, target };
    }
    if (!alias.engine) throw new Error(`alias ${alias.pattern}: no engine and no model`);
    return { pattern, engine: alias.engine };
  }

  /**
   * A name served through a pattern: Google's definition when Google's catalog knows the name,
   * else its family's (a `gemini-*` name), else the target model's (a `model` alias), else a local
   * model's description of the engine.
   */
  #patternEntry(id: string, rule: Rule): CatalogEntry {
    const known = KNOWN.get(id);
    let definition: ModelDefinition;
    if (known) {
      definition = { ...known };
    } else if (GEMINI_ALIAS_TARGETS[id]) {
      const targets = GEMINI_ALIAS_TARGETS[id];
      const target = targets.find((t) => this.#entries.has(t)) ?? targets[0];
      definition = this.#aliasDefinition(id, target, this.#entries.get(target)?.definition ?? (KNOWN.get(target) as ModelDefinition));
    } else {
      definition = inferGeminiDefinition(id, GEMINI_MODELS)
        ?? (rule.target ? { ...rule.target.definition, id, aliasOf: rule.target.definition.aliasOf ?? rule.target.definition.id } : localDefinition(id, rule.engine));
    }
    return { engine: rule.engine, definition: this.#fit(definition, rule.engine) };
  }

  #aliasDefinition(alias: string, target: string, def: ModelDefinition): ModelDefinition {
    return { ...def, id: alias, aliasOf: target, description: `Alias that points to ${target}.` };
  }

  /** Caps `inputTokenLimit` at what the engine can take, when asked to. */
  #fit(def: ModelDefinition, engine: Engine): ModelDefinition {
    if (!this.#options.inputLimitFromEngine) return def;
    const { contextTokens, maxPromptTokens = contextTokens } = engine.capabilities;
    return maxPromptTokens > 0 && maxPromptTokens < def.inputTokenLimit ? { ...def, inputTokenLimit: maxPromptTokens } : def;
  }
}
