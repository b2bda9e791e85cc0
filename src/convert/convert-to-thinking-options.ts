import type { ThinkingConfig } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { ThinkingOptions } from '../core/engine.js';
import { Errors } from '../core/errors.js';

/** What `thinkingConfig` asks of the engine, and whether thoughts go back to the client. */
export interface ThinkingPlan {
  thinking?: ThinkingOptions;
  /** `includeThoughts`: return the thoughts as `thought: true` parts (always counted either way). */
  includeThoughts: boolean;
}

const FIELD = 'generation_config.thinking_config';

/**
 * `thinkingLevel` (Gemini 3) → a budget. Google documents levels, not their token counts; these
 * follow the 2.5 guidance (ai.google.dev/gemini-api/docs/thinking: low budgets for simple tasks,
 * dynamic for hard ones).
 */
const LEVEL_BUDGETS: Record<string, number | 'dynamic'> = { MINIMAL: 128, LOW: 1024, MEDIUM: 8192, HIGH: 'dynamic' };

/**
 * `generationConfig.thinkingConfig` → the engine's thinking options, as Gemini treats it
 * (ai.google.dev/gemini-api/docs/thinking):
 * - thinking models think by default, with a dynamic budget (-1); `thinkingBudget: 0` turns
 *   thinking off where the model allows it (2.5 Pro does not: 400);
 * - a budget outside the model's documented range is a 400 naming the range;
 * - on a model without thinking, asking for thoughts or a budget is Gemini's 400
 *   "Thinking is not supported for this model."; a budget of 0 is accepted (nothing to turn off).
 * When the catalog model thinks but the engine's weights cannot (no thought format in their
 * chat template), the default is silently not to think, but an explicit request is refused
 * rather than answered without the thoughts it asked for. The rules that hold for every model
 * (not both a budget and a level; an int32 budget) are the API's, checked before this
 * (src/api/gemini/validate-thinking-config.ts, check-field-types.ts).
 */
export function convertToThinkingOptions(t: ThinkingConfig | undefined, entry: CatalogEntry): ThinkingPlan {
  const def = entry.definition;
  const level = t?.thinkingLevel && t.thinkingLevel !== 'THINKING_LEVEL_UNSPECIFIED' ? t.thinkingLevel : undefined;
  const budget = t?.thinkingBudget;
  const explicit = t?.includeThoughts === true || (budget !== undefined && budget !== 0) || level !== undefined;
  if (!def.thinking) {
    if (explicit) throw Errors.invalidArgument('Thinking is not supported for this model.', FIELD);
    return { includeThoughts: false };
  }

  let wanted: ThinkingOptions['budget'] | 0;
  if (level !== undefined) wanted = LEVEL_BUDGETS[level] ?? 'dynamic';
  else if (budget === undefined || budget === -1) wanted = 'dynamic';
  else wanted = checkBudget(budget, entry);

  if (!entry.engine.capabilities.thinking) {
    if (explicit && wanted !== 0) {
      throw Errors.capabilityUnsupported(def.id, 'Thinking (generationConfig.thinkingConfig) with the loaded weights');
    }
    return { includeThoughts: false };
  }
  if (wanted === 0) return { includeThoughts: false };
  return { thinking: { budget: wanted }, includeThoughts: t?.includeThoughts === true };
}

function checkBudget(budget: number, entry: CatalogEntry): number {
  const range = entry.definition.thinkingBudget;
  // Below -1 is never a budget, but it is said only of a model that thinks: one that does not
  // answers "Thinking is not supported for this model." to any budget but 0.
  if (budget < -1) {
    throw Errors.invalidArgument(`The thinking budget ${budget} is invalid. It must be -1 (dynamic), 0 (off) or a positive number of tokens.`, `${FIELD}.thinking_budget`);
  }
  if (!range) return budget;
  if (budget === 0) {
    // Google's text for 2.5 Pro (public reports, e.g. google-gemini/gemini-cli issues).
    if (!range.canDisable) throw Errors.invalidArgument('Budget 0 is invalid. This model only works in thinking mode.', `${FIELD}.thinking_budget`);
    return 0;
  }
  if (budget < range.min || budget > range.max) {
    throw Errors.invalidArgument(
      `The thinking budget ${budget} is invalid. Please choose a value between ${range.min} and ${range.max}.`,
      `${FIELD}.thinking_budget`);
  }
  return budget;
}
