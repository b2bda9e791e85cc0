import {
  isLlamaText, SpecialToken, SpecialTokensText, type LlamaGrammar, type LlamaText, type Token, type Tokenizer,
} from 'node-llama-cpp';
import type { OutputStops } from './logprobs-output-buffer.js';

type Trigger = LlamaText | string | readonly (string | Token)[];

/**
 * The stops of the logprobs path, from the same sources LlamaChat stops on: the chat wrapper's
 * stop triggers (e.g. ChatML's `<|im_end|>`, as a token and as text), the grammar's (a JSON
 * grammar's four newlines) and the request's stop sequences. Each trigger is resolved the way
 * node-llama-cpp's `StopGenerationDetector.resolveLlamaTextTrigger` does: text stays text,
 * special tokens become token ids. A trigger of text only is a text stop; one of tokens only a
 * token sequence; a mixed one (rare) becomes a token sequence with its text tokenized, which
 * matches only when the model wrote that text with those very tokens.
 */
export function resolveLogprobsStops(
  tokenizer: Tokenizer, parts: { wrapper: readonly LlamaText[]; grammar?: LlamaGrammar; stopSequences: readonly string[] },
): OutputStops {
  const stops: OutputStops = { texts: [...parts.stopSequences.filter((s) => s.length > 0)], tokenSequences: [] };
  for (const trigger of [...parts.wrapper, ...(parts.grammar?.stopGenerationTriggers ?? [])]) {
    const values = resolveTrigger(trigger as Trigger, tokenizer);
    if (values.length === 0) continue;
    if (values.every((v) => typeof v === 'string')) stops.texts.push(values.join(''));
    else stops.tokenSequences.push(values.flatMap((v) => (typeof v === 'string' ? tokenizer(v, false, 'trimLeadingSpace') : [v])));
  }
  return stops;
}

function resolveTrigger(trigger: Trigger, tokenizer: Tokenizer): Array<string | Token> {
  if (typeof trigger === 'string') return trigger ? [trigger] : [];
  if (!isLlamaText(trigger)) return [...trigger].filter((v) => v !== '');
  return trigger.values.flatMap((v): Array<string | Token> => {
    if (typeof v === 'string') return v ? [v] : [];
    if (v instanceof SpecialToken) return v.tokenize(tokenizer);
    if (v instanceof SpecialTokensText) return v.tokenizeSpecialTokensOnly(tokenizer);
    return [];
  });
}
