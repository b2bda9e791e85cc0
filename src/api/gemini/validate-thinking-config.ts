import type { ThinkingConfig } from './generation-config.js';
import type { FieldViolation } from './status.js';

/**
 * The API's rule on `thinkingConfig` that holds for every model: `thinkingBudget` and
 * `thinkingLevel` exclude each other ("You cannot use both thinking_level and the legacy
 * thinking_budget parameter in the same request. Doing so will return a 400 error.",
 * ai.google.dev/gemini-api/docs/gemini-3), in Google's words "You can only set only one of
 * thinking budget and thinking level." (the Gemini API's 400 on gemini-flash-latest, quoted in
 * sterlp/eclipse-peon-ai#115). Whether the model thinks at all, and which budgets and levels it
 * takes, depend on the model: src/convert/convert-to-thinking-options.ts.
 */
export function validateThinkingConfig(t: ThinkingConfig | undefined): FieldViolation | undefined {
  const level = t?.thinkingLevel && t.thinkingLevel !== 'THINKING_LEVEL_UNSPECIFIED';
  if (t?.thinkingBudget !== undefined && level) {
    return { field: 'generation_config.thinking_config', description: 'You can only set only one of thinking budget and thinking level.' };
  }
  return undefined;
}
