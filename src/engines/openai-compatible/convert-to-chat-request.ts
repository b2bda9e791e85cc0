/**
 * Engine input → an OpenAI-style `/v1/chat/completions` body (platform.openai.com/docs/api-reference/chat/create),
 * in the subset vLLM, Ollama, LM Studio and llama-server all read.
 *
 * - Roles: system → system, user → user, model → assistant. Text-only messages are plain
 *   strings; with media, content parts: images as `image_url` with a `data:` URI (never a URL
 *   the upstream would fetch), audio as `input_audio` (base64 + format).
 * - A model message's calls → the assistant's `tool_calls` (arguments as a JSON string); each
 *   response → a `tool` message whose `tool_call_id` pairs it with its call (by id, else the
 *   earliest unanswered call of that name, else the earliest unanswered one), before the rest
 *   of its turn. Calls without an id get `call_<message>_<part>`.
 * - Sampling: temperature, top_p, seed (`candidateSeed`: candidates are separate requests,
 *   as in the llama.cpp engines), presence/frequency penalties, `max_tokens`, `stop` map 1:1; `top_k` is not
 *   OpenAI's but vLLM, llama-server and LM Studio read it, so it is sent only when set.
 * - Tools (`native`, the default) → `tools` + `tool_choice` (auto → `auto`, any → `required`).
 * - Tools `prompted` (mode ANY on an upstream that does not honour `required`; see
 *   mode-any-ladder.ts): the prompted tool format (../shared/prompted-tool-format.ts). No
 *   `tools`: the functions are described in the system message, the reply is constrained to
 *   `{"tool_calls": [{name, arguments}]}` with each name a `const` and its arguments the
 *   function's parameters — by `response_format: {type: json_schema}` (the structured output
 *   vLLM, LM Studio, Ollama and llama-server document), or by the constraint the caller passes
 *   instead (llama.cpp's `grammar`) — and earlier calls and responses are written in the same
 *   JSON as text, so the model sees one format. A response schema of the request has nothing
 *   to apply to then: mode ANY answers with calls only.
 * - JSON → `response_format: {type: json_schema, json_schema: {name, schema}}`; enum → the same
 *   with `{type: string, enum}`: the reply is a JSON string, unquoted by map-chat-chunks.ts.
 * - Logprobs → `logprobs: true, top_logprobs`.
 * - Always `stream: true` with `stream_options.include_usage` (the final chunk's usage).
 */
import type { ChatMessage, GenerateInput, MessagePart, ToolOptions } from '../../core/engine.js';
import { candidateSeed } from '../shared/candidate-seed.js';
import { promptedCallsText, promptedReplySchema, promptedResponseText, promptedToolsSystemText } from '../shared/prompted-tool-format.js';

/** How a request with tools asks for calls; see the module comment. */
export type ToolFormat = 'native' | 'prompted';

type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } };

interface ToolCall { id: string; type: 'function'; function: { name: string; arguments: string } }

/** An OpenAI-style chat message. */
export type ChatCompletionMessage =
  | { role: 'system' | 'user'; content: string | ContentPart[] }
  | { role: 'assistant'; content: string | ContentPart[] | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

type CallPart = Extract<MessagePart, { type: 'function-call' }>;
type ResponsePart = Extract<MessagePart, { type: 'function-response' }>;

function base64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** `input_audio.format`: OpenAI names `wav` and `mp3`; others pass their subtype. */
function audioFormat(mimeType: string): string {
  const sub = mimeType.split('/')[1]?.split(';')[0]?.toLowerCase() ?? 'wav';
  return sub === 'mpeg' ? 'mp3' : sub === 'x-wav' || sub === 'wave' ? 'wav' : sub;
}

function content(parts: readonly MessagePart[]): string | ContentPart[] {
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  const out: ContentPart[] = [];
  for (const p of parts) {
    if (p.type === 'text') {
      const last = out.at(-1);
      if (last?.type === 'text') last.text += p.text;
      else out.push({ type: 'text', text: p.text });
    } else if (p.type === 'image') {
      out.push({ type: 'image_url', image_url: { url: `data:${p.mimeType};base64,${base64(p.data)}` } });
    } else if (p.type === 'audio') {
      out.push({ type: 'input_audio', input_audio: { data: base64(p.data), format: audioFormat(p.mimeType) } });
    }
  }
  return out;
}

/** A turn's calls and responses as text in the prompted tool format, after its own text. */
function promptedTurn(m: ChatMessage): ChatCompletionMessage {
  const calls = m.parts.filter((p): p is CallPart => p.type === 'function-call');
  const lines = [...(calls.length ? [promptedCallsText(calls)] : []), ...m.parts.filter((p): p is ResponsePart => p.type === 'function-response').map(promptedResponseText)];
  const rest = m.parts.filter((p) => p.type !== 'function-call' && p.type !== 'function-response');
  const last = rest.at(-1);
  const text = lines.join('\n');
  const parts: MessagePart[] = [...rest, { type: 'text', text: last?.type === 'text' && last.text && !last.text.endsWith('\n') ? `\n${text}` : text }];
  return m.role === 'model' ? { role: 'assistant', content: content(parts) } : { role: m.role, content: content(parts) };
}

/** Messages → chat messages; see the module comment. */
export function convertToChatMessages(messages: readonly ChatMessage[], tools: ToolFormat = 'native'): ChatCompletionMessage[] {
  const open: Array<{ id: string; name: string }> = [];
  const out: ChatCompletionMessage[] = [];
  messages.forEach((m, mi) => {
    const rest = m.parts.filter((p) => p.type !== 'function-call' && p.type !== 'function-response');
    if (tools === 'prompted' && rest.length < m.parts.length) {
      out.push(promptedTurn(m));
      return;
    }
    if (m.role === 'model') {
      const calls = m.parts.flatMap((p, pi): ToolCall[] => {
        if (p.type !== 'function-call') return [];
        const id = (p as CallPart).id ?? `call_${mi}_${pi}`;
        open.push({ id, name: p.name });
        return [{ id, type: 'function', function: { name: p.name, arguments: JSON.stringify(p.args) } }];
      });
      out.push({ role: 'assistant', content: rest.length || !calls.length ? content(rest) : null, ...(calls.length ? { tool_calls: calls } : {}) });
      return;
    }
    m.parts.forEach((p, pi) => {
      if (p.type !== 'function-response') return;
      const r = p as ResponsePart;
      let at = r.id !== undefined ? open.findIndex((c) => c.id === r.id) : open.findIndex((c) => c.name === r.name);
      if (at < 0 && r.id === undefined && open.length) at = 0;
      const id = at >= 0 ? open.splice(at, 1)[0].id : r.id ?? `call_${mi}_${pi}`;
      out.push({ role: 'tool', tool_call_id: id, content: JSON.stringify(r.response) });
    });
    if (rest.length || !m.parts.length) out.push({ role: m.role, content: content(rest) });
  });
  return out;
}

/** Tools → `tools` + `tool_choice`; a function without parameters takes an empty object. */
export function convertToChatTools(tools: ToolOptions | undefined): Record<string, unknown> {
  if (!tools || tools.functions.length === 0) return {};
  return {
    tools: tools.functions.map((f) => ({
      type: 'function',
      function: { name: f.name, ...(f.description ? { description: f.description } : {}), parameters: f.parameters ?? { type: 'object', properties: {} } },
    })),
    tool_choice: tools.mode === 'any' ? 'required' : 'auto',
  };
}

/** `messages` with `text` appended to the leading system message, or in a new one first. */
function withSystemText(messages: ChatCompletionMessage[], text: string): ChatCompletionMessage[] {
  const [first, ...rest] = messages;
  if (first?.role === 'system' && typeof first.content === 'string') {
    return [{ role: 'system', content: first.content ? `${first.content}\n\n${text}` : text }, ...rest];
  }
  return [{ role: 'system', content: text }, ...messages];
}

/**
 * The fields that decide the prompt: the messages and, for native tools, `tools` + `tool_choice`.
 * Counting and generating send the same, so the count is of the prompt evaluated.
 */
export function convertToChatPrompt(input: Pick<GenerateInput, 'messages' | 'tools'>, tools: ToolFormat): Record<string, unknown> {
  const offered = input.tools?.functions.length ? input.tools : undefined;
  if (tools === 'prompted' && offered) {
    return { messages: withSystemText(convertToChatMessages(input.messages, 'prompted'), promptedToolsSystemText(offered)) };
  }
  return { messages: convertToChatMessages(input.messages), ...convertToChatTools(offered) };
}

/** The `response_format` of a reply in the prompted tool format. */
export function promptedResponseFormat(tools: ToolOptions): Record<string, unknown> {
  return { response_format: { type: 'json_schema', json_schema: { name: 'tool_calls', schema: promptedReplySchema(tools) } } };
}

/**
 * The body for candidate `candidate` of `input`, for model `model`, asking for calls as `tools`
 * says; a prompted reply is constrained by `constraint` (default its `response_format`).
 */
export function convertToChatRequest(
  input: GenerateInput, model: string, candidate: number, tools: ToolFormat = 'native', constraint?: Record<string, unknown>,
): Record<string, unknown> {
  const s = input.sampling;
  const prompted = tools === 'prompted' && input.tools?.functions.length ? input.tools : undefined;
  const format = prompted ? undefined : input.responseFormat;
  const stops = s.stopSequences.filter(Boolean);
  return {
    model,
    ...convertToChatPrompt(input, tools),
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: s.maxOutputTokens,
    ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
    ...(s.topP !== undefined ? { top_p: s.topP } : {}),
    ...(s.topK !== undefined ? { top_k: s.topK } : {}),
    ...(s.seed !== undefined ? { seed: candidateSeed(s.seed, candidate) } : {}),
    ...(s.presencePenalty !== undefined ? { presence_penalty: s.presencePenalty } : {}),
    ...(s.frequencyPenalty !== undefined ? { frequency_penalty: s.frequencyPenalty } : {}),
    ...(stops.length ? { stop: stops } : {}),
    ...(prompted ? constraint ?? promptedResponseFormat(prompted) : {}),
    ...(format?.type === 'json' ? { response_format: { type: 'json_schema', json_schema: { name: 'response', schema: format.schema } } } : {}),
    ...(format?.type === 'enum'
      ? { response_format: { type: 'json_schema', json_schema: { name: 'response', schema: { type: 'string', enum: format.values } } } }
      : {}),
    ...(input.logprobs ? { logprobs: true, top_logprobs: input.logprobs.top } : {}),
  };
}
