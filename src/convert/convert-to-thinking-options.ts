import type { ThinkingConfig } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { ModelDefinition, ThinkingLevelName } from '../core/catalog/model-definition.js';
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
 * `thinkingLevel` → the budget the engine thinks with. Google publishes no token count per level
 * for Gemini 3, so the levels take the budgets Google itself maps effort levels to:
 * - LOW 1,024 and MEDIUM 8,192: "low", "medium", "high" "map to 1K, 8K, and 24K thinking token
 *   budgets" (ai.google.dev/gemini-api/docs/openai, `reasoning_effort`);
 * - HIGH dynamic: Gemini 3's default level is "high (Default, dynamic)", the model deciding how
 *   much to think (ai.google.dev/gemini-api/docs/gemini-3), as a 2.5 budget of -1 does;
 * - MINIMAL 128: "matches the 'no thinking' setting for most queries", though "the model may think
 *   very minimally" (ai.google.dev/gemini-api/docs/thinking, "Thinking levels"): the smallest
 *   budget Google documents for any thinking model (2.5 Pro's minimum, same page).
 */
export const LEVEL_BUDGETS: Readonly<Record<ThinkingLevelName, number | 'dynamic'>> = {
  MINIMAL: 128, LOW: 1024, MEDIUM: 8192, HIGH: 'dynamic',
};

/**
 * `generationConfig.thinkingConfig` → the engine's thinking options, as Gemini treats it
 * (ai.google.dev/gemini-api/docs/thinking, /gemini-3). What Google refuses for the named model is
 * refused with Google's text, whatever the weights; everything else is accepted:
 * - a model without thinking (2.0 Flash) ignores `includeThoughts` (the Gemini API answers 200;
 *   only Vertex refuses it, lobehub/lobehub#7985) and a budget of 0; another budget is Gemini's
 *   "Thinking is not supported for this model.";
 * - `thinkingLevel` is for Gemini 3: before it, "Thinking level is not supported for this model."
 *   (Gemini API, RooCodeInc/Roo-Code#10700, gemini-2.5-flash); a level outside the model's list is
 *   "Thinking level MINIMAL is not supported for this model. Please retry with other thinking
 *   level." (theJayTea/WritingTools#282, gemini-3.8-flash). Levels come in any case (`high`) and
 *   are upper-cased when the request is read (api/gemini/define-message.ts);
 * - `thinkingBudget` is also taken by Gemini 3 ("legacy", ai.google.dev/gemini-api/docs/gemini-3),
 *   with no published range; on 2.5 a budget outside the documented range is "The thinking budget
 *   (N) is invalid." (RooCodeInc/Roo-Code#4399, verbatim from the Gemini API); 0 turns thinking
 *   off where the model allows it, else "Budget 0 is invalid. This model only works in thinking
 *   mode." (2.5 Pro and every Gemini 3 model);
 * - with no budget nor level, a 2.5 model thinks dynamically (-1) and a Gemini 3 model at its
 *   default level.
 * Weights that cannot think (no thought format in their chat template) answer every accepted
 * config without thoughts, as a model that thought nothing: no `thoughtsTokenCount`, which Google
 * omits then. The rules that hold for every model (not both a budget and a level; an int32
 * budget) are the API's, checked before this (api/gemini/validate-thinking-config.ts,
 * check-field-types.ts).
 */
export function convertToThinkingOptions(t: ThinkingConfig | undefined, entry: CatalogEntry): ThinkingPlan {
  const def = entry.definition;
  const level = t?.thinkingLevel && t.thinkingLevel !== 'THINKING_LEVEL_UNSPECIFIED' ? t.thinkingLevel : undefined;
  const budget = t?.thinkingBudget;
  if (level !== undefined) checkLevel(level, def);
  if (!def.thinking) {
    if (budget !== undefined && budget !== 0) throw Errors.invalidArgument('Thinking is not supported for this model.', FIELD);
    return { includeThoughts: false };
  }

  let wanted: ThinkingOptions['budget'] | 0;
  if (level !== undefined) wanted = LEVEL_BUDGETS[level];
  else if (budget === undefined) wanted = def.thinkingLevels ? LEVEL_BUDGETS[def.thinkingLevels.default] : 'dynamic';
  else if (budget === -1) wanted = 'dynamic';
  else wanted = checkBudget(budget, def);

  if (!entry.engine.capabilities.thinking || wanted === 0) return { includeThoughts: false };
  return { thinking: { budget: wanted }, includeThoughts: t?.includeThoughts === true };
}

function checkLevel(level: ThinkingLevelName, def: ModelDefinition): void {
  const levels = def.thinkingLevels;
  if (!levels) throw Errors.invalidArgument('Thinking level is not supported for this model.', `${FIELD}.thinking_level`);
  if (!levels.supported.includes(level)) {
    throw Errors.invalidArgument(
      `Thinking level ${level} is not supported for this model. Please retry with other thinking level.`, `${FIELD}.thinking_level`);
  }
}

function checkBudget(budget: number, def: ModelDefinition): number {
  const invalid = () => Errors.invalidArgument(`The thinking budget (${budget}) is invalid.`, `${FIELD}.thinking_budget`);
  if (budget < -1) throw invalid();
  if (budget === 0) {
    // Google's text for 2.5 Pro (vercel/ai#8027); Gemini 3 refuses 0 too (googleapis/python-genai#2936).
    const canDisable = def.thinkingBudget?.canDisable ?? def.thinkingLevels?.canDisable ?? true;
    if (!canDisable) throw Errors.invalidArgument('Budget 0 is invalid. This model only works in thinking mode.', `${FIELD}.thinking_budget`);
    return 0;
  }
  const range = def.thinkingBudget;
  if (range && (budget < range.min || budget > range.max)) throw invalid();
  return budget;
}
