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
 * - Function calls and responses, for templates with a tool format (`tools: 'native'`): a model
 *   message's calls become the assistant's `tool_calls` (arguments as a JSON string, OpenAI's
 *   shape; its text, if any, stays its `content`), and each response becomes a `tool` message
 *   whose `tool_call_id` pairs it with its call and whose `content` is the response's JSON
 *   (common/chat.cpp `common_chat_msgs_parse_oaicompat` reads both). A call without an id gets
 *   a stable one from its position (`call_<message>_<part>`); a response without one takes the
 *   earliest unanswered call of the same name, else the earliest unanswered call. The tool
 *   messages come before the rest of the user's turn.
 * - For templates without one (`tools: 'prompted'`), calls and responses are written as text in
 *   the prompted tool format (../shared/prompted-tool-format.ts): llama.cpp silently drops `tool_calls`
 *   such templates cannot render.
 */
import type { ChatMessage, MessagePart } from '../../core/engine.js';
import { promptedCallsText, promptedResponseText } from '../shared/prompted-tool-format.js';

/** A content part of an OpenAI-style message. */
export type OpenAiContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } };

/** A call in an assistant message's `tool_calls`. */
export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** An OpenAI-style chat message. */
export type OpenAiMessage =
  | { role: 'system' | 'user'; content: string | OpenAiContentPart[] }
  | { role: 'assistant'; content: string | OpenAiContentPart[] | null; tool_calls?: OpenAiToolCall[]; reasoning_content?: string }
  | { role: 'tool'; tool_call_id: string; content: string };

/** A media part of an engine message. */
export type MediaPart = Extract<MessagePart, { type: 'image' | 'audio' }>;

/** Options of the conversion. */
export interface ConvertOptions {
  /** Media parts for which this returns true are sent twice in a row (token counting). */
  duplicate?: (part: MediaPart) => boolean;
  /** How calls and responses are written (see the module comment). Default `native`. */
  tools?: 'native' | 'prompted';
}

type FunctionCallPart = Extract<MessagePart, { type: 'function-call' }>;
type FunctionResponsePart = Extract<MessagePart, { type: 'function-response' }>;

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

/** Text and media parts → one string (text only) or content parts. */
function convertContent(parts: readonly MessagePart[], opts: ConvertOptions): string | OpenAiContentPart[] {
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  const content: OpenAiContentPart[] = [];
  for (const part of parts) {
    if (part.type === 'text') {
      const last = content.at(-1);
      if (last?.type === 'text') last.text += part.text;
      else content.push({ type: 'text', text: part.text });
    } else if (part.type === 'image' || part.type === 'audio') {
      content.push(mediaContent(part));
      if (opts.duplicate?.(part)) content.push(mediaContent(part));
    }
  }
  return content;
}

/** Pairs responses with calls: by id, else by name, else by order. */
class CallLedger {
  readonly #open: Array<{ id: string; name: string }> = [];

  call(part: FunctionCallPart, message: number, index: number): string {
    const id = part.id ?? `call_${message}_${index}`;
    this.#open.push({ id, name: part.name });
    return id;
  }

  answer(part: FunctionResponsePart, message: number, index: number): string {
    let at = part.id !== undefined ? this.#open.findIndex((c) => c.id === part.id) : this.#open.findIndex((c) => c.name === part.name);
    if (at < 0 && part.id === undefined && this.#open.length) at = 0;
    if (at >= 0) return this.#open.splice(at, 1)[0].id;
    return part.id ?? `call_${message}_${index}`;
  }
}

/** Converts the messages; see the module comment for the rules. */
export function convertToOpenAiMessages(messages: readonly ChatMessage[], opts: ConvertOptions = {}): OpenAiMessage[] {
  const ledger = new CallLedger();
  const out: OpenAiMessage[] = [];
  messages.forEach((m, mi) => {
    const role = ROLES[m.role];
    const calls = m.parts.filter((p): p is FunctionCallPart => p.type === 'function-call');
    const responses = m.parts.filter((p): p is FunctionResponsePart => p.type === 'function-response');
    let rest = m.parts.filter((p) => p.type !== 'function-call' && p.type !== 'function-response');
    if (!calls.length && !responses.length) {
      out.push({ role, content: convertContent(rest, opts) });
      return;
    }
    if (opts.tools === 'prompted') {
      // The calls as the JSON reply that made them, the responses as lines, after the turn's own text.
      const text = [...(calls.length ? [promptedCallsText(calls)] : []), ...responses.map(promptedResponseText)].join('\n');
      const last = rest.at(-1);
      rest = [...rest, { type: 'text', text: last?.type === 'text' && last.text && !last.text.endsWith('\n') ? `\n${text}` : text }];
      out.push({ role, content: convertContent(rest, opts) });
      return;
    }
    if (role === 'assistant') {
      const toolCalls = m.parts.flatMap((p, pi): OpenAiToolCall[] => p.type !== 'function-call' ? [] : [{
        id: ledger.call(p, mi, pi), type: 'function', function: { name: p.name, arguments: JSON.stringify(p.args) },
      }]);
      out.push({ role, content: rest.length ? convertContent(rest, opts) : null, tool_calls: toolCalls });
      return;
    }
    m.parts.forEach((p, pi) => {
      if (p.type === 'function-response') out.push({ role: 'tool', tool_call_id: ledger.answer(p, mi, pi), content: JSON.stringify(p.response) });
    });
    if (rest.length || role === 'system') out.push({ role, content: convertContent(rest, opts) });
  });
  return out;
}

/** The prompt-deciding fields of a chat request: the messages, how a final model message is treated, and extras (tools, template kwargs). */
export interface ChatPromptFields {
  messages: OpenAiMessage[];
  /** `true` continues the final message's content; `reasoning_content`/`content` say which part explicitly. */
  continue_final_message?: boolean | 'reasoning_content' | 'content';
  add_generation_prompt?: boolean;
  [field: string]: unknown;
}

/**
 * The fields that decide the prompt, identical for counting and generating so both render the
 * same tokens. A conversation ending with a model message continues that reply (as the embedded
 * engine does). llama-server would prefill it on its own, but then streams the prefilled text
 * back as if generated; saying `continue_final_message` explicitly is what makes it leave the
 * prefill out of the output (server-task.cpp `task_result_state`, `is_continuation`), and it
 * must come with `add_generation_prompt: false` (server-common.cpp refuses both). A final model
 * message with calls cannot be continued (server-common.cpp refuses that too): the model
 * answers after it instead.
 */
export function chatPromptFields(messages: OpenAiMessage[]): ChatPromptFields {
  const last = messages.at(-1);
  if (last?.role !== 'assistant' || last.tool_calls?.length) return { messages };
  return { messages, continue_final_message: true, add_generation_prompt: false };
}

/** `messages` with `text` added to the system message (appended after a blank line), or in a new one first. */
export function withSystemText(messages: readonly OpenAiMessage[], text: string): OpenAiMessage[] {
  const [first, ...rest] = messages;
  if (first?.role === 'system' && typeof first.content === 'string') {
    return [{ role: 'system', content: first.content ? `${first.content}\n\n${text}` : text }, ...rest];
  }
  return [{ role: 'system', content: text }, ...messages];
}
