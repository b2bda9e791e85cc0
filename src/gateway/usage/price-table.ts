import { GEMINI_PRICES, type ModelPrices, type TierPrices } from './gemini-prices.js';

/**
 * Prices of one tier in micro-dollars per 1M tokens (USD × 1e6), integers: a token count times
 * one of them is an exact integer number of pico-dollars, so costs add up without float drift.
 */
export interface TierMicros {
  input: number;
  inputAudio: number;
  output: number;
  cached: number;
  cachedAudio: number;
}

/** A model's prices in micro-dollars per 1M tokens. */
export interface PriceMicros extends TierMicros {
  longPrompt?: TierMicros & { aboveTokens: number };
}

/**
 * Per-model overrides as the `prices` setting gives them: USD per 1M tokens, any subset of a
 * model's fields (`{"gemini-2.5-flash": {"input": 0.25}}`), or `null` to make a model free.
 */
export type PriceOverrides = Record<string, Partial<ModelPrices> | null>;

/**
 * A version suffix that still names the priced model: `-001`, `-latest`, `-preview-05-20`,
 * `-05-20`. Anything else (`-lite`, `-image-preview`, `-exp-…`) is another model with its own
 * price, or none: Google's experimental models are free of charge.
 */
const VERSION_SUFFIX = /^-(?:\d{3}|latest|preview(?:-\d{2}-\d{2,4})?|\d{2}-\d{2,4})$/;

const micros = (usd: number) => Math.round(usd * 1e6);

function tierMicros(t: TierPrices): TierMicros {
  const input = micros(t.input);
  const cached = t.cached === undefined ? input : micros(t.cached);
  return {
    input,
    inputAudio: t.inputAudio === undefined ? input : micros(t.inputAudio),
    output: micros(t.output),
    cached,
    cachedAudio: t.cachedAudio === undefined ? cached : micros(t.cachedAudio),
  };
}

function toMicros(p: ModelPrices): PriceMicros {
  return {
    ...tierMicros(p),
    ...(p.longPrompt ? { longPrompt: { ...tierMicros(p.longPrompt), aboveTokens: p.longPrompt.aboveTokens } } : {}),
  };
}

/** Google's default prices with the overrides applied; looks a model's prices up by id. */
export class PriceTable {
  readonly #prices = new Map<string, PriceMicros>();
  readonly #usd: Record<string, ModelPrices> = {};

  constructor(overrides: PriceOverrides = {}, defaults: Readonly<Record<string, ModelPrices>> = GEMINI_PRICES) {
    const merged: Record<string, ModelPrices | null> = { ...defaults };
    for (const [model, o] of Object.entries(overrides)) {
      const id = model.replace(/^models\//, '');
      merged[id] = o === null ? null : { ...(merged[id] ?? { input: 0, output: 0 }), ...o } as ModelPrices;
    }
    for (const [id, p] of Object.entries(merged)) {
      if (!p) continue;
      assertPrices(id, p);
      this.#usd[id] = p;
      this.#prices.set(id, toMicros(p));
    }
  }

  /** The prices of `model` (with or without `models/`), or undefined when it costs nothing. */
  priceOf(model: string): PriceMicros | undefined {
    const id = model.replace(/^models\//, '');
    const exact = this.#prices.get(id);
    if (exact) return exact;
    let best: string | undefined;
    for (const key of this.#prices.keys()) {
      if (id.startsWith(key) && VERSION_SUFFIX.test(id.slice(key.length)) && key.length > (best?.length ?? 0)) best = key;
    }
    return best === undefined ? undefined : this.#prices.get(best);
  }

  /** Every priced model in USD per 1M tokens, for reports and `--help`. */
  list(): Record<string, ModelPrices> {
    return { ...this.#usd };
  }
}

const PRICE_FIELDS = ['input', 'inputAudio', 'output', 'cached', 'cachedAudio'] as const;

function assertPrices(id: string, p: ModelPrices): void {
  const tiers: [string, Record<string, unknown>][] = [[id, p as unknown as Record<string, unknown>]];
  if (p.longPrompt) tiers.push([`${id}.longPrompt`, p.longPrompt as unknown as Record<string, unknown>]);
  for (const [where, t] of tiers) {
    for (const f of PRICE_FIELDS) {
      const v = t[f];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
        throw new RangeError(`price ${where}.${f} must be a non-negative number of USD per 1M tokens (got ${JSON.stringify(v)})`);
      }
    }
  }
  if (p.longPrompt && !(Number.isInteger(p.longPrompt.aboveTokens) && p.longPrompt.aboveTokens > 0)) {
    throw new RangeError(`price ${id}.longPrompt.aboveTokens must be a positive integer`);
  }
}
