import type { ChatHistoryItem, ChatWrapper, LlamaText, Token } from 'node-llama-cpp';
import { renderPromptText, type PromptFunctions } from './render-prompt.js';

/** Continuations a cached prefix may be followed by; their texts differ from the first character. */
const PROBES: ChatHistoryItem[][] = [
  [{ type: 'user', text: 'a' }],
  [{ type: 'user', text: 'b' }],
  [{ type: 'model', response: ['a'] }, { type: 'user', text: 'b' }],
];

/**
 * The prompt tokens every conversation starting with `prefix` shares (a cached content's
 * messages, Gemini's cachedContents): rendered alone, a prefix ends with the open model reply
 * (the generation prompt), which a longer conversation replaces with its next turn; so this
 * keeps the tokens the prefix's own prompt has in common with the prompts of a few different
 * continuations. A real continuation may still share fewer (a template that renders a turn
 * differently once it is not the last, or a call whose result comes in the next turn):
 * requests compare their own prompt with these tokens and reuse the common part only. Empty when
 * the template renders none of these conversations (nothing is then kept for the cache).
 */
export async function renderPrefixTokens(
  chatWrapper: ChatWrapper, tokenize: (text: LlamaText) => Promise<Token[]>, prefix: readonly ChatHistoryItem[], functions?: PromptFunctions,
): Promise<Token[]> {
  const tools = functions && { ...functions, forced: false };
  const texts: LlamaText[] = [];
  for (const continuation of [[], ...PROBES]) {
    try {
      texts.push(renderPromptText(chatWrapper, [...prefix, ...continuation], tools));
    } catch {
      // A template refusing a conversation (e.g. "roles must alternate") refuses it in every
      // request too: such a continuation is not one to share with.
    }
  }
  // With fewer than two renders there is no telling where the prefix's own turn ends: keep nothing.
  if (texts.length < 2) return [];
  const renders: Token[][] = [];
  for (const text of texts) renders.push(await tokenize(text));
  return renders.reduce((shared, next) => shared.slice(0, commonPrefixLength(shared, next)));
}

/** How many leading tokens `a` and `b` have in common. */
export function commonPrefixLength(a: readonly Token[], b: readonly Token[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}
