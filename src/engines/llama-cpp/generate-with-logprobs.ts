import {
  LlamaGrammarEvaluationState, type ChatHistoryItem, type LlamaChat, type LlamaContextSequence, type LlamaGrammar,
  type SequenceEvaluateOptions, type Token,
} from 'node-llama-cpp';
import type { GenerateEvent, SamplingOptions } from '../../core/engine.js';
import { withOpenModelReply } from './convert-to-chat-history.js';
import { LogprobsOutputBuffer, type BufferStep, type OutputUnit } from './logprobs-output-buffer.js';
import { mapSamplingOptions } from './map-sampling-options.js';
import { mapTokenLogprob } from './map-token-logprob.js';
import { renderPromptTokens } from './render-prompt.js';
import { resolveLogprobsStops } from './resolve-logprobs-stops.js';

/** One candidate's generation with log probabilities, on a slot's LlamaChat (its sequence). */
export interface LogprobsCandidateRun {
  chat: LlamaChat;
  history: ChatHistoryItem[];
  candidate: number;
  sampling: SamplingOptions;
  /** maxOutputTokens already lowered to the room left in the context. */
  maxTokens: number;
  /** Constrains decoding (structured output, create-response-grammar.ts). */
  grammar?: LlamaGrammar;
  /** Alternatives per token (`GenerateInput.logprobs.top`, 0..20). */
  top: number;
  /** The request's signal, combined with the engine's own (dispose). */
  signal: AbortSignal;
  /** Told of each evaluation step in flight, so dispose can wait for the sequence to be idle. */
  track?: (settled: Promise<void>) => void;
}

/** Tokens of context the detokenizer looks back on (node-llama-cpp's `maxRecentDetokenizerTokens`). */
const DETOKENIZER_CONTEXT = 3;
/** A UTF-8 character has at most 4 bytes; a run of partial tokens longer than this is invalid anyway. */
const MAX_PARTIAL_TOKENS = 4;

/**
 * `generateCandidate` (generate-candidate.ts) with token log probabilities: LlamaChat does not
 * expose them, so this drives the slot's sequence itself with `evaluateWithMetadata` and
 * `probabilities` (what they hold: map-token-logprob.ts). It follows LlamaChat where the output
 * is concerned: the same prompt tokens (`renderPromptTokens`, so `countTokens` equals what is
 * evaluated), the same prefix reuse, the same sampler settings (mapSamplingOptions), the same
 * stops (resolve-logprobs-stops.ts) and the same detokenizing (a character split over tokens
 * waits for its last byte). So greedy requests, and seeded ones without a grammar, produce the
 * same text as without logprobs (tested). With a grammar and temperature > 0 a seeded reply
 * differs: asking for probabilities makes the addon apply the grammar before sampling instead
 * of checking the sampled token afterwards, so the same seed draws from another candidate set.
 *
 * Cost, all of it in node-llama-cpp: with alternatives asked for, each step copies the sampled
 * distribution into a Map, the whole vocabulary when greedy. Measured on a 32k-token vocabulary
 * (llama-2-tiny-random, 1 thread, greedy): 1.5 ms/token without logprobs, 5.5 with `top: 0`
 * (only the chosen token's probability, which still sorts the candidates), 22 with `top: 5`.
 *
 * Streams `text-delta` events, each with one `logprobs` entry per token it accounts for, then a
 * `finish`; returns false (no `finish`) when the signal aborted it. Token accounting: every
 * generated token is counted except end-of-generation tokens and the tokens of a stop sequence
 * (details in logprobs-output-buffer.ts); at maxTokens the sum is exactly maxTokens. Whatever
 * ends the iteration, the sequence is idle when it returns.
 */
export async function* generateWithLogprobs(run: LogprobsCandidateRun): AsyncGenerator<GenerateEvent, boolean> {
  const { chat, candidate, maxTokens, signal } = run;
  const { model, sequence } = chat;
  const { tokenizer } = model;
  const prompt = renderPromptTokens(chat.chatWrapper, tokenizer, run.history);
  const buffer = new LogprobsOutputBuffer(
    resolveLogprobsStops(tokenizer, {
      wrapper: chat.chatWrapper.generateContextState({ chatHistory: withOpenModelReply(run.history) }).stopGenerationTriggers,
      grammar: run.grammar,
      stopSequences: run.sampling.stopSequences,
    }),
    { trimWhitespaceSuffix: run.grammar?.trimWhitespaceSuffix },
  );
  const generated: Token[] = [];
  // The reply so far is the detokenizer's context, the prompt is not: like LlamaChat, the first
  // token is detokenized alone, so an SPM reply starts without the word-separating space.
  const context = (before = 0) => generated.slice(0, generated.length - before).slice(-DETOKENIZER_CONTEXT);
  let partial: OutputUnit | undefined;
  const delta = (units: OutputUnit[]): GenerateEvent[] => {
    const logprobs = units.flatMap((u) => u.logprobs);
    return logprobs.length ? [{ type: 'text-delta', candidate, text: units.map((u) => u.text).join(''), tokens: logprobs.length, logprobs }] : [];
  };
  /** Pushes the held partial character as it is: the output ends, or a special token follows it. */
  const pushPartial = (): BufferStep => {
    const step = partial ? buffer.push(partial) : { emit: [], stopped: false };
    partial = undefined;
    return step;
  };

  if (signal.aborted) return false;
  const aligning = promptTail(sequence, prompt);
  run.track?.(aligning.then(() => undefined, () => undefined));
  let tail: Token[];
  try {
    tail = await aligning;
  } catch (e) {
    if (signal.aborted) return false;
    throw e;
  }
  // Alternatives need the whole distribution; the chosen token alone only its probability (cheaper).
  const iterator = sequence.evaluateWithMetadata(tail, { confidence: true, probabilities: run.top > 0 }, evaluateOptions(run, generated));
  // On abort (the client, or dispose) the sequence is let go at once, even while the consumer
  // is not pulling; dispose waits for it through `track`.
  const release = () => run.track?.(iterator.return().then(() => undefined, () => undefined));
  signal.addEventListener('abort', release, { once: true });
  try {
    for (;;) {
      if (signal.aborted) return false;
      const step = iterator.next();
      run.track?.(step.then(() => undefined, () => undefined));
      const next = await step;
      if (signal.aborted) return false;
      // Nothing left to sample (no token the grammar allows) or end of generation: a natural end.
      if (next.done || model.isEogToken(next.value.token)) {
        yield* delta([...pushPartial().emit, ...buffer.finish()]);
        break;
      }
      const { token, confidence, probabilities } = next.value as SampledToken;
      const before = context();
      const entry = mapTokenLogprob(token, { confidence, probabilities }, run.top, (t) => model.detokenize([t as Token], true, before));
      generated.push(token);
      const special = model.isSpecialToken(token);
      const previous = special ? pushPartial() : { emit: [], stopped: false };
      if (previous.stopped) {
        yield* delta(previous.emit);
        break;
      }
      const unit: OutputUnit = partial
        ? { text: '', tokens: [...partial.tokens, token], logprobs: [...partial.logprobs, entry] }
        : { text: '', tokens: [token], logprobs: [entry] };
      unit.text = model.detokenize(unit.tokens as Token[], false, context(unit.tokens.length));
      // A character split over tokens waits for its last byte, as in LlamaChat (which waits
      // without a bound; past 4 tokens no valid UTF-8 character can still complete).
      partial = !special && unit.text.endsWith('\uFFFD') && unit.tokens.length < MAX_PARTIAL_TOKENS ? unit : undefined;
      const { emit, stopped } = partial ? { emit: [], stopped: false } : buffer.push(unit);
      yield* delta([...previous.emit, ...emit]);
      if (stopped) break;
      if (generated.length >= maxTokens) {
        yield* delta([...pushPartial().emit, ...buffer.finish()]);
        yield { type: 'finish', candidate, reason: 'max-tokens' };
        return true;
      }
    }
  } catch (e) {
    if (signal.aborted) return false;
    throw e;
  } finally {
    signal.removeEventListener('abort', release);
    await iterator.return().catch(() => undefined);
  }
  yield { type: 'finish', candidate, reason: 'stop' };
  return true;
}

/** One step of `evaluateWithMetadata`; `probabilities` only when alternatives were asked for. */
interface SampledToken {
  token: Token;
  confidence: number;
  probabilities?: Map<Token, number>;
}

/**
 * Aligns the sequence with `prompt` the way LlamaChat does (`alignCurrentSequenceStateWithCurrentTokens`):
 * keeps the common prefix, erases everything after it (the previous request's or candidate's
 * tokens), and returns the prompt tokens still to evaluate, at least one so there are logits.
 */
async function promptTail(sequence: LlamaContextSequence, prompt: Token[]): Promise<Token[]> {
  await sequence.adaptStateToTokens(prompt.slice(0, -1), false);
  return prompt.slice(sequence.nextTokenIndex);
}

/**
 * The sampler settings LlamaChat passes to `sequence.evaluate` for the same request
 * (`createNewEvaluationIterator` in LlamaChat.js), from the same mapSamplingOptions: penalties
 * punish the reply so far, the grammar gets a fresh state per candidate, end-of-generation
 * tokens are yielded so they can end the output here.
 */
function evaluateOptions(run: LogprobsCandidateRun, generated: Token[]): SequenceEvaluateOptions {
  const { temperature, topK, topP, seed, repeatPenalty } = mapSamplingOptions(run.sampling, run.candidate);
  const options: SequenceEvaluateOptions = { yieldEogToken: true };
  if (temperature !== undefined) options.temperature = temperature;
  if (topK !== undefined) options.topK = topK;
  if (topP !== undefined) options.topP = topP;
  if (seed !== undefined) options.seed = seed;
  if (run.grammar) options.grammarEvaluationState = new LlamaGrammarEvaluationState({ model: run.chat.model, grammar: run.grammar });
  if (repeatPenalty) {
    const lastTokens = repeatPenalty.lastTokens ?? 64;
    options.repeatPenalty = {
      punishTokens: () => generated.slice(-lastTokens),
      maxPunishTokens: lastTokens,
      penalty: repeatPenalty.penalty,
      frequencyPenalty: repeatPenalty.frequencyPenalty,
      presencePenalty: repeatPenalty.presencePenalty,
    };
  }
  return options;
}
