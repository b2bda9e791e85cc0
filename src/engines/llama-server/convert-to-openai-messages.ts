/**
 * Engine messages → the `messages` of llama-server's OpenAI-style chat endpoints
 * (`/v1/chat/completions` and `/v1/chat/completions/input_tokens`; tools/server/README.md).
 *
 * - Roles: system → system, user → user, model → assistant.
 * - Adjacent text parts are concatenated with nothing between them, as the embedded engine
 *   does (convert-to-chat-history.ts), so both engines render the same text. A text-only
 *   message is sent as a plain string: llama-server renders a string and a one-part array
 *   differently for templates that understand typed content.
 * - Images become `image_url` parts with a `data:<mime>;base64,` URI (never a URL: llama-server
 *   would download http ones itself), audio becomes `input_audio`. llama-server replaces each
 *   with its media marker and joins the message into one string, putting no newline next to a
 *   marker (common/chat.cpp, `concat_content_parts`), which is what makes media-token counting
 *   by duplication exact (count-prompt-tokens.ts).
 */
import type { ChatMessage, MessagePart } from '../../core/engine.js';

/** A content part of an OpenAI-style message. */
export type OpenAiContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } };

/** An OpenAI-style chat message. */
export interface OpenAiMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | OpenAiContentPart[];
}

/** A media part of an engine message. */
export type MediaPart = Extract<MessagePart, { type: 'image' | 'audio' }>;

/** Options of the conversion. */
export interface ConvertOptions {
  /** Media parts for which this returns true are sent twice in a row (token counting). */
  duplicate?: (part: MediaPart) => boolean;
}

const ROLES = { system: 'system', user: 'user', model: 'assistant' } as const;

/** `input_audio.format` (llama-server detects the format from the bytes and ignores it). */
function audioFormat(mimeType: string): string {
  const sub = mimeType.split('/')[1]?.split(';')[0]?.toLowerCase() ?? 'wav';
  if (sub === 'mpeg' || sub === 'mp3') return 'mp3';
  if (sub === 'x-wav' || sub === 'wave') return 'wav';
  return sub;
}

function mediaContent(part: MediaPart): OpenAiContentPart {
  const base64 = Buffer.from(part.data.buffer, part.data.byteOffset, part.data.byteLength).toString('base64');
  if (part.type === 'image') return { type: 'image_url', image_url: { url: `data:${part.mimeType};base64,${base64}` } };
  return { type: 'input_audio', input_audio: { data: base64, format: audioFormat(part.mimeType) } };
}

/** Converts the messages; see the module comment for the rules. */
export function convertToOpenAiMessages(messages: readonly ChatMessage[], opts: ConvertOptions = {}): OpenAiMessage[] {
  return messages.map((m): OpenAiMessage => {
    const role = ROLES[m.role];
    if (m.parts.every((p) => p.type === 'text')) {
      return { role, content: m.parts.map((p) => (p as { text: string }).text).join('') };
    }
    // TODO(function calling on llama-server): tool_calls / tool messages.
    const content: OpenAiContentPart[] = [];
    for (const part of m.parts) {
      if (part.type === 'text') {
        const last = content.at(-1);
        if (last?.type === 'text') last.text += part.text;
        else content.push({ type: 'text', text: part.text });
        continue;
      }
      if (part.type === 'function-call' || part.type === 'function-response') continue;
      content.push(mediaContent(part));
      if (opts.duplicate?.(part)) content.push(mediaContent(part));
    }
    return { role, content };
  });
}

/** The prompt-deciding fields of a chat request: the messages, and how a final model message is treated. */
export interface ChatPromptFields {
  messages: OpenAiMessage[];
  continue_final_message?: boolean;
  add_generation_prompt?: boolean;
}

/**
 * The fields that decide the prompt, identical for counting and generating so both render the
 * same tokens. A conversation ending with a model message continues that reply (as the embedded
 * engine does). llama-server would prefill it on its own, but then streams the prefilled text
 * back as if generated; saying `continue_final_message` explicitly is what makes it leave the
 * prefill out of the output (server-task.cpp `task_result_state`, `is_continuation`), and it
 * must come with `add_generation_prompt: false` (server-common.cpp refuses both).
 */
export function chatPromptFields(messages: OpenAiMessage[]): ChatPromptFields {
  if (messages.at(-1)?.role !== 'assistant') return { messages };
  return { messages, continue_final_message: true, add_generation_prompt: false };
}
