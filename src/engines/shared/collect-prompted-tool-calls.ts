/**
 * A candidate generated under the prompted tool format (prompted-tool-format.ts) → its calls
 * (the llama-server engine's grammar-constrained replies, the openai-compatible engine's
 * `response_format` ones).
 * The reply is JSON, so its text is held back rather than streamed: at a natural end it is
 * parsed into one `function-call` event per call, or (mode `auto`) one text delta with the
 * `response`. Tokens stay exact: each call gets the tokens of the deltas that wrote it, up to
 * the delta in which its object closed (the last call also gets the rest), so the events sum
 * to what the text deltas summed to. A reply cut short (by the token limit, or by a stop
 * sequence, which ends it as 'stop') is no call: its tokens end the candidate as an empty delta. Thoughts pass through untouched.
 */
import type { GenerateEvent } from '../../core/engine.js';
import { parsePromptedToolReply, type PromptedReply } from './parse-prompted-tool-reply.js';

/** The reply, or undefined when a stop sequence cut it short (the grammar cannot see those). */
function tryParse(text: string): PromptedReply | undefined {
  try {
    return parsePromptedToolReply(text);
  } catch {
    return undefined;
  }
}

/** Wraps one candidate's stream; what the stream returns is passed on. */
export async function* collectPromptedToolCalls<R>(source: AsyncGenerator<GenerateEvent, R>): AsyncGenerator<GenerateEvent, R> {
  let text = '';
  /** After each answer delta: the text length and the tokens so far. */
  const marks: Array<{ end: number; tokens: number }> = [];
  let tokens = 0;
  for (;;) {
    const r = await source.next();
    if (r.done) return r.value;
    const ev = r.value;
    if (ev.type === 'text-delta' && !ev.thought) {
      text += ev.text;
      tokens += ev.tokens;
      marks.push({ end: text.length, tokens });
      continue;
    }
    if (ev.type !== 'finish') {
      yield ev;
      continue;
    }
    const { candidate } = ev;
    const reply = ev.reason === 'stop' ? tryParse(text) : undefined;
    if (!reply) {
      if (tokens) yield { type: 'text-delta', candidate, text: '', tokens };
    } else if ('text' in reply) {
      yield { type: 'text-delta', candidate, text: reply.text, tokens };
    } else {
      let counted = 0;
      for (const [i, call] of reply.calls.entries()) {
        const upTo = i === reply.calls.length - 1 ? tokens : (marks.find((m) => m.end >= call.end)?.tokens ?? tokens);
        yield { type: 'function-call', candidate, name: call.name, args: call.args, tokens: upTo - counted };
        counted = upTo;
      }
    }
    yield ev;
  }
}
