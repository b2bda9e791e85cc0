/**
 * Exact prompt token counts from llama-server itself, split by modality.
 *
 * The total is `POST /v1/chat/completions/input_tokens` on the same messages a generation
 * sends: llama-server renders them with the same template code (`oaicompat_chat_params_parse`)
 * and tokenizes them the same way, images and audio included (`process_mtmd_prompt`, whose
 * media tokens come from the projector's preprocessing; server-context.cpp
 * `handle_count_tokens`). So the count equals what generation evaluates, which the tests
 * check against the `usage.prompt_tokens` a generation reports.
 *
 * Media tokens per modality come from one more count with that modality's media parts sent
 * twice in a row: llama-server puts nothing between adjacent media markers, and its tokenizer
 * (`mtmd_tokenize`) splits the prompt at markers, so the only change is one more copy of each
 * medium (its projector tokens plus any text the projector wraps it in, e.g. Gemma 3's
 * `<start_of_image>`). The difference is exactly those media's tokens. Text parts whose
 * `source` is not TEXT (a PDF's text, DOCUMENT) count their own tokens (`/tokenize`); TEXT
 * gets the rest, template tokens included, so the parts always sum to the total.
 */
import { partModality, type ChatMessage, type MessagePart, type PromptTokenCount, type TokensByModality } from '../../core/engine.js';
import { convertToOpenAiMessages, type ConvertOptions, type MediaPart, type OpenAiMessage } from './convert-to-openai-messages.js';

/** The two llama-server calls counting needs. */
export interface TokenCountingApi {
  /** Prompt tokens of a chat request with these messages (and the generation's other prompt fields, chat-request-fields.ts). */
  inputTokens(messages: OpenAiMessage[], signal?: AbortSignal): Promise<number>;
  /** Tokens of a plain text, without special tokens. */
  textTokens(text: string, signal?: AbortSignal): Promise<number>;
}

export { partModality };

/** Counts `messages` exactly; see the module comment. */
export async function countPromptTokens(
  api: TokenCountingApi, messages: readonly ChatMessage[], signal?: AbortSignal, convert: Pick<ConvertOptions, 'tools'> = {},
): Promise<PromptTokenCount> {
  const parts = messages.flatMap((m) => m.parts);
  const mediaModalities = [...new Set(parts.filter((p) => p.type === 'image' || p.type === 'audio').map(partModality))];
  const sourcedTexts = parts.filter((p): p is Extract<MessagePart, { type: 'text' }> => p.type === 'text' && partModality(p) !== 'TEXT');
  const total = api.inputTokens(convertToOpenAiMessages(messages, convert), signal);
  if (!mediaModalities.length && !sourcedTexts.length) return { total: await total };
  // Awaited below; if another count fails first, this one's failure must not go unhandled.
  total.catch(() => {});

  const media = mediaModalities.map(async (modality) => {
    const doubled = await api.inputTokens(
      convertToOpenAiMessages(messages, { ...convert, duplicate: (p: MediaPart) => partModality(p) === modality }), signal,
    );
    return [modality, doubled - await total] as const;
  });
  const texts = sourcedTexts.map(async (p) => [partModality(p), await api.textTokens(p.text, signal)] as const);
  const counted = await Promise.all([...media, ...texts]);
  const byModality: TokensByModality = {};
  for (const [modality, n] of counted) byModality[modality] = (byModality[modality] ?? 0) + n;
  const all = await total;
  const others = Object.values(byModality).reduce((a, b) => a + (b ?? 0), 0);
  // Sourced text counted alone may tokenize a little differently than in context; never let
  // the split exceed the exact total.
  const text = all - others;
  if (text < 0) {
    for (const p of sourcedTexts) byModality[partModality(p)] = Math.max(0, (byModality[partModality(p)] ?? 0) + text);
  } else if (text > 0) {
    byModality.TEXT = (byModality.TEXT ?? 0) + text;
  }
  return { total: all, byModality };
}
