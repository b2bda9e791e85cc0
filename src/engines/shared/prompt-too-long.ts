import { Errors, type GemserveError } from '../../core/errors.js';

/**
 * Google's wording for an input over the limit (GenerateContent with too many tokens):
 * "The input token count (N) exceeds the maximum number of tokens allowed (M)." Each engine
 * knows its own `maxPromptTokens` (what its runtime keeps whole without shortening it).
 */
export function promptTooLong(promptTokens: number, maxPromptTokens: number): GemserveError {
  return Errors.invalidArgument(
    `The input token count (${promptTokens}) exceeds the maximum number of tokens allowed (${maxPromptTokens}).`,
  );
}
