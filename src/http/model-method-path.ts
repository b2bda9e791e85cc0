/**
 * Splits the part of a path after `models/` into model id and method:
 * `gemini-2.0-flash:generateContent` → `{model: 'gemini-2.0-flash', method: 'generateContent'}`.
 *
 * The colon belongs to the last path segment, and ids may hold `/` (`qwen/qwen3`) or even `:`
 * (`qwen3:8b`), so the method is what follows the last colon (custom methods, google.aip.dev/136;
 * the SDKs only prefix `models/` to an id, `tModel` in js-genai src/_transformers.ts).
 */
export function parseModelMethodPath(rest: string): { model: string; method: string } | undefined {
  const m = /^(.+):(\w+)$/.exec(rest);
  return m ? { model: m[1], method: m[2] } : undefined;
}
