/**
 * Function-calling mode ANY: the answer must be one or more calls and nothing else (engine.ts
 * `ToolOptions`; Google: the "model is constrained to always predicting a function call only",
 * `FunctionCallingConfig.Mode.ANY` in google/ai/generativelanguage/v1beta/content.proto). An upstream
 * may not honour `tool_choice: "required"` (llama-server ignores it for chat templates without
 * a tool-call format and answers in prose; Ollama does not read it), so a candidate's events
 * are held until it ends and then judged:
 * - calls, every one of an offered function: they pass, with the thoughts; text beside them
 *   is dropped, its tokens going to the call that follows it or, after the last call, to an
 *   empty delta before the finish, so the tokens still add up (as llama-server's
 *   keep-calls-only.ts does);
 * - no call and no text, the answer cut by the token limit (a call cut short, whose tokens come
 *   as an empty delta, map-chat-chunks.ts and collect-prompted-tool-calls.ts): an empty delta
 *   with its tokens and the max-tokens finish, Google's MAX_TOKENS answer;
 * - anything else (prose, even cut by the token limit, or a call of a function not offered):
 *   `undefined`, the upstream did not honour the mode; the engine asks another way or fails.
 */
import type { GenerateEvent } from '../../core/engine.js';

/** The candidate's events, shaped as above, or `undefined` when the upstream did not call. */
export async function collectCallsOnly(
  source: AsyncIterable<GenerateEvent>, offered: ReadonlySet<string>,
): Promise<GenerateEvent[] | undefined> {
  const out: GenerateEvent[] = [];
  let dropped = 0;
  let calls = 0;
  let prose = false;
  for await (const ev of source) {
    if (ev.type === 'text-delta' && !ev.thought) {
      dropped += ev.tokens;
      prose ||= ev.text.trim() !== '';
    } else if (ev.type === 'function-call') {
      if (!offered.has(ev.name)) return undefined;
      out.push({ ...ev, tokens: ev.tokens + dropped });
      dropped = 0;
      calls++;
    } else if (ev.type === 'finish') {
      if (!calls && (prose || ev.reason !== 'max-tokens')) return undefined;
      if (dropped) out.push({ type: 'text-delta', candidate: ev.candidate, text: '', tokens: dropped });
      dropped = 0;
      out.push(ev);
    } else {
      out.push(ev);
    }
  }
  return out;
}
