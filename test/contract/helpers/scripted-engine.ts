/**
 * An engine that writes given replies, in turn, a few characters per delta: what a model that
 * uses the code-execution tool would write, for testing the tool loop end to end (no weights
 * here write Python). It records the messages of every call so a test can see what the model
 * was shown (its code, then the output block).
 */
import type { ChatMessage, CountTokensInput, Engine, GenerateEvent, GenerateInput, PromptTokenCount } from '../../../src/core/engine.js';

export class ScriptedEngine implements Engine {
  readonly kind = 'scripted';
  readonly label = 'scripted';
  readonly capabilities = { maxCandidates: 1, contextTokens: 32_768 };
  readonly calls: ChatMessage[][] = [];
  #turn = 0;

  constructor(private readonly replies: string[]) {}

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    return { total: input.messages.length };
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    this.calls.push(input.messages);
    const reply = this.replies[Math.min(this.#turn++, this.replies.length - 1)];
    yield { type: 'prompt', promptTokens: input.messages.length };
    for (let i = 0; i < reply.length; i += 5) {
      if (input.signal.aborted) return;
      yield { type: 'text-delta', candidate: 0, text: reply.slice(i, i + 5), tokens: 1 };
    }
    yield { type: 'finish', candidate: 0, reason: 'stop' };
  }

  async dispose(): Promise<void> {}
  async [Symbol.asyncDispose](): Promise<void> {}
}
