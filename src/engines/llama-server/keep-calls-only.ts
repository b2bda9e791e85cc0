/**
 * Mode `any` on templates with a native tool format: the reply must be calls and nothing else
 * (engine.ts `ToolOptions`), but llama.cpp's grammar for such formats lets the model write
 * free text before its first call even with `tool_choice: 'required'` (common/chat-auto-parser-
 * generator.cpp: `optional(content(until(tool_start))) + tools`). That text is dropped here,
 * its tokens going to the call that follows it, or, when no call follows (a reply cut short),
 * to an empty delta, so the tokens still add up. Thoughts pass through.
 */
import type { GenerateEvent } from '../../core/engine.js';
import type { CandidateOutcome } from './stream-candidate.js';

/** Wraps one candidate's stream (stream-candidate.ts). */
export async function* keepCallsOnly(
  source: AsyncGenerator<GenerateEvent, CandidateOutcome>,
): AsyncGenerator<GenerateEvent, CandidateOutcome> {
  let dropped = 0;
  for (;;) {
    const r = await source.next();
    if (r.done) return r.value;
    const ev = r.value;
    if (ev.type === 'text-delta' && !ev.thought) {
      dropped += ev.tokens;
      continue;
    }
    if (ev.type === 'function-call') {
      yield { ...ev, tokens: ev.tokens + dropped };
      dropped = 0;
      continue;
    }
    if (ev.type === 'finish' && dropped) {
      yield { type: 'text-delta', candidate: ev.candidate, text: '', tokens: dropped };
      dropped = 0;
    }
    yield ev;
  }
}
