import type { LlamaChatResponse } from 'node-llama-cpp';
import type { FinishReason } from '../../core/engine.js';

/** Why LlamaChat stopped (`LlamaChatResponse.metadata.stopReason`). */
export type LlamaStopReason = LlamaChatResponse['metadata']['stopReason'];

/**
 * LlamaChat's stop reason → the engine's finish reason, or `undefined` for an abort (the
 * candidate is unfinished and gets no `finish`). EOG tokens, the template's stop triggers and
 * the request's stop sequences are a natural end ('stop', Gemini's STOP); `maxTokens` is
 * 'max-tokens' (MAX_TOKENS), also when it was lowered to the room left in the context.
 */
export function mapFinishReason(reason: LlamaStopReason): FinishReason | undefined {
  switch (reason) {
    case 'maxTokens':
      return 'max-tokens';
    case 'abort':
      return undefined;
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
    case 'functionCalls':
      return 'stop';
  }
}
