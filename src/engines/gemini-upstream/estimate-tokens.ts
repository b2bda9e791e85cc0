/**
 * A token estimate for when the upstream cannot count: Google's embedding methods report no usage,
 * and `:countTokens` on `gemini-embedding-001` has been answered with a 400 ("Should provide
 * instances for text model prediction.", googleapis/python-genai#1541).
 */

/**
 * "For Gemini models, a token is equivalent to about 4 characters"
 * (ai.google.dev/gemini-api/docs/tokens).
 */
export const CHARS_PER_TOKEN = 4;

/** ceil(characters / 4), counting Unicode code points; at least 1 for a non-empty text. */
export function estimateTokens(text: string): number {
  return Math.ceil([...text].length / CHARS_PER_TOKEN);
}
