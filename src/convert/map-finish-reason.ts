import type { FinishReason as GeminiFinishReason } from '../api/gemini/types.js';
import type { FinishReason } from '../core/engine.js';

/**
 * Engine finish reason → Gemini `FinishReason`. `stop` covers both an end-of-generation token
 * and a stop sequence, as Gemini's STOP does ("Natural stop point of the model or provided stop
 * sequence", Candidate.FinishReason in generative_service.proto); a context exhausted before
 * maxOutputTokens is also MAX_TOKENS, Gemini having no separate value for it.
 */
export function mapFinishReason(reason: FinishReason): GeminiFinishReason {
  switch (reason) {
    case 'stop':
      return 'STOP';
    case 'max-tokens':
      return 'MAX_TOKENS';
    default:
      // A reason added to the engine spec but not mapped yet: OTHER is Gemini's "Unknown reason".
      return 'OTHER';
  }
}
