/**
 * The shape of one model in gemserve's catalog: what ListModels reports for it (the `Model`
 * resource, ai.google.dev/api/models) plus what the server needs to treat it as Google does
 * (thinking controls, retirement). `gemini-models.ts` re-exports these names.
 */

export type OutputModality = 'TEXT' | 'IMAGE' | 'AUDIO';

/** Gemini 3's `thinkingConfig.thinkingLevel` values (ai.google.dev/gemini-api/docs/thinking, "Thinking levels"). */
export type ThinkingLevelName = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

/**
 * How a Gemini 3 model's thinking is controlled: by level, not by token budget
 * (ai.google.dev/gemini-api/docs/thinking; the per-model table of supported levels and defaults
 * is also on docs.cloud.google.com/.../thinking). Google publishes no thinkingBudget range for
 * Gemini 3 models, so a definition with `thinkingLevels` carries no `thinkingBudget`.
 */
export interface ThinkingLevels {
  /** The levels the model accepts; Google refuses the others with a 400. */
  supported: readonly ThinkingLevelName[];
  /** The level used when a request names none. */
  default: ThinkingLevelName;
  /**
   * Whether thinking can be turned off (`thinkingBudget: 0`). False on every Gemini 3 model:
   * "You cannot disable thinking for Gemini 3 Pro"; on Flash, MINIMAL "matches no thinking for
   * most queries" but the model may still think (ai.google.dev/gemini-api/docs/thinking).
   */
  canDisable: boolean;
}

/**
 * A model Google has retired (ai.google.dev/gemini-api/docs/deprecations: "Once a model is
 * shutdown, it is completely turned off, and the endpoint is no longer available"). Google answers
 * a retired name one of two ways, and the catalog does the same:
 * - `not-found`: shut down; generateContent is Google's 404 ("models/X is not found for API
 *   version v1beta, or is not supported for generateContent ..."), models.get is 404, and
 *   ListModels leaves it out;
 * - `routed`: the changelog says requests "are automatically routed" to the replacement; the
 *   name is answered by the replacement (models.get shows the replacement's fields under the
 *   retired name, `aliasOf` the replacement) and is not listed.
 * An operator who binds or aliases the exact retired name still gets it served.
 */
export interface Retirement {
  /** The shutdown date Google gives, `YYYY-MM-DD`. */
  shutdown: string;
  /** Google's recommended replacement. */
  replacement: string;
  answer: 'not-found' | 'routed';
}

export interface ModelDefinition {
  /** The id as clients name it, without `models/`. */
  id: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  temperature: number;
  maxTemperature: number;
  topP: number;
  /** Default top_k as ListModels reports it. */
  topK: number;
  /**
   * The documented quirk of the 1.5 "002" models: a top_k above 40 is clamped to 40, not
   * rejected (ai.google.dev, Gemini 1.5 model versions: "top_k ... range 1-40 ... values above
   * are clamped").
   */
  maxTopK?: number;
  thinking: boolean;
  /**
   * The thinking budgets the model takes (ai.google.dev/gemini-api/docs/thinking, "Set budgets":
   * 2.5 Pro 128..32768 and cannot turn thinking off; 2.5 Flash 0..24576). Absent on a thinking
   * model: no budget control (the 2.0 thinking experiment thinks, budgets are not honoured), or
   * control by level (`thinkingLevels`, Gemini 3).
   */
  thinkingBudget?: { min: number; max: number; canDisable: boolean };
  /** Gemini 3: thinking controlled by `thinkingLevel`; see {@link ThinkingLevels}. */
  thinkingLevels?: ThinkingLevels;
  /** Retired or superseded by Google; still served, flagged in its description. */
  legacy: boolean;
  outputModalities: OutputModality[];
  /** For `-latest` aliases (and routed retired names): the id this name points at. */
  aliasOf?: string;
  /**
   * Embedding models: the vector length Google's model returns by default. The length served
   * is the bound engine's (`capabilities.embeddings.dimensions`); this is documentation.
   */
  embeddingDimensions?: number;
  /** Set on retired models only (`retired-gemini-models.ts`). */
  retired?: Retirement;
  /**
   * A name the catalog does not know, described from the nearest known model of its family
   * (`infer-gemini-definition.ts`): that model's id.
   */
  inferredFrom?: string;
}

/** Methods of a text generation model, as ListModels reports them. */
export const TEXT_METHODS = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];

/** Methods of Gemini's image and speech generation models: no context caching (their model pages). */
export const MEDIA_METHODS = ['generateContent', 'countTokens', 'batchGenerateContent'];

/**
 * Methods of a Live API model: only the WebSocket session (ai.google.dev/gemini-api/docs/live-api);
 * generateContent on one is Google's 404 "... is not supported for generateContent".
 */
export const LIVE_METHODS = ['bidiGenerateContent'];

/** Sampling defaults shared by Google's generation models in ListModels. */
export const SAMPLING_DEFAULTS = { temperature: 1, maxTemperature: 2, topP: 0.95 } as const;
