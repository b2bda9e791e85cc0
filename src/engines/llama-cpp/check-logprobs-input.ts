import type { GenerateInput } from '../../core/engine.js';
import { Errors } from '../../core/errors.js';

/**
 * Refuses what the logprobs path (generate-with-logprobs.ts) cannot do: it drives the sequence
 * itself, without LlamaChat's thought segments and function-call parsing, so on this engine
 * log probabilities come with plain or structured output only. A thinking budget of 0 is not
 * thinking and is allowed.
 */
export function checkLogprobsInput(input: GenerateInput): void {
  if (!input.logprobs) return;
  if (input.tools) {
    throw Errors.invalidArgument('responseLogprobs cannot be combined with tools on this model.', 'generation_config.response_logprobs');
  }
  if (input.thinking && input.thinking.budget !== 0) {
    throw Errors.invalidArgument(
      'responseLogprobs cannot be combined with thinking on this model; set thinkingConfig.thinkingBudget to 0.',
      'generation_config.response_logprobs',
    );
  }
}
