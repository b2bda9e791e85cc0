import assert from 'node:assert/strict';
import type { ChatMessage, Engine, GenerateEvent, GenerateInput } from '../core/engine.js';

/** Test helpers shared by the engines' own tests (not the conformance suite's contract). */

export const user = (text: string): ChatMessage => ({ role: 'user', parts: [{ type: 'text', text }] });

/** A greedy, seeded input: 16 tokens of "Once upon a time" unless overridden. */
export const input = (over: Partial<GenerateInput> & { max?: number; stop?: string[] } = {}): GenerateInput => ({
  messages: over.messages ?? [user('Once upon a time')],
  candidateCount: over.candidateCount ?? 1,
  signal: over.signal ?? new AbortController().signal,
  sampling: over.sampling ?? { maxOutputTokens: over.max ?? 16, stopSequences: over.stop ?? [], temperature: 0, seed: 1 },
});

/** Iterates a stream until the first text-delta, then hands the rest of it back. */
export async function startStreaming(engine: Engine, inp: GenerateInput): Promise<AsyncIterator<GenerateEvent>> {
  const it = engine.stream(inp)[Symbol.asyncIterator]();
  for (;;) {
    const r = await it.next();
    assert.ok(!r.done, 'the stream ended before any text');
    if (r.value.type === 'text-delta') return it;
  }
}

export async function drain(it: AsyncIterator<GenerateEvent>): Promise<GenerateEvent[]> {
  const out: GenerateEvent[] = [];
  for (let r = await it.next(); !r.done; r = await it.next()) out.push(r.value);
  return out;
}
