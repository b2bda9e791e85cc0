import type { Content, GenerateContentRequest } from '../api/gemini/types.js';
import { findBlocklistMatch, type PromptBlocklist } from '../core/prompt-blocklist.js';

/**
 * Whether a generate request's prompt is blocked: some text part of `contents` (any turn, as
 * Gemini screens the whole prompt) or of `systemInstruction` matches the server's blocklist.
 * Each text part is checked on its own, so a term cannot straddle two parts. Media, function
 * calls and responses are not text parts and are not screened.
 */
export function isPromptBlocklisted(req: GenerateContentRequest, list: PromptBlocklist): boolean {
  if (list.entries.length === 0) return false;
  const turns: Content[] = req.systemInstruction ? [req.systemInstruction, ...req.contents] : req.contents;
  return turns.some((c) => c.parts.some((p) => typeof p.text === 'string' && findBlocklistMatch(list, p.text) !== undefined));
}
