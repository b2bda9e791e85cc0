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
  return Math.ceil(countCodePoints(text) / CHARS_PER_TOKEN);
}

/**
 * The code points of `text`, as `[...text].length` counts them (a string's iterator yields a
 * surrogate pair as one, a lone surrogate as one: tc39.es/ecma262/#sec-%stringiteratorprototype%.next),
 * without building an array of them (that took ~11 s on 50 MB).
 */
export function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++, count++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}
