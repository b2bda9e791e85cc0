/**
 * Engine input → the JSON of a Gemini `GenerateContentRequest` (ai.google.dev/api/generate-content; the
 * v1beta protos). The engine's own minimal mapping: engines never see src/api's wire types.
 *
 * - System messages → `systemInstruction` (their parts, in order); user → `user`, model → `model`.
 * - Parts: text → `text`; image and audio → `inlineData` (base64); calls → `functionCall`,
 *   responses → `functionResponse`, with their ids when present. A part's `source` (a video's
 *   frames, a PDF's text) is lost: the upstream sees the decoded parts gemserve made.
 * - Sampling → `generationConfig` 1:1; stop sequences only when there are some.
 * - JSON → `responseMimeType: application/json` + `responseJsonSchema` (the engine's schema
 *   already is JSON Schema); enum → `text/x.enum` + `responseSchema {type: STRING, enum}`, the
 *   documented way to ask for an enum.
 * - Tools → one `functionDeclarations` tool (`parametersJsonSchema`) + `toolConfig` mode AUTO/ANY.
 * - Thinking → `thinkingConfig {thinkingBudget (-1 = dynamic), includeThoughts: true}`. Absent
 *   sends nothing: the model's default applies (Gemini 2.5 Flash and Pro think by default and
 *   Pro refuses a budget of 0), and thought parts are not asked for.
 * - Logprobs → `responseLogprobs: true, logprobs: top`.
 * - Thought signatures go back as they came (ai.google.dev/gemini-api/docs/thought-signatures:
 *   "pass it back exactly as received"): a text or call part that carries one (Google's, which
 *   this engine passed on to the client) is sent with it, byte for byte. Gemini 3 refuses a
 *   replayed `functionCall` without one (400 "Function call is missing a thought_signature");
 *   a message's first call that has none (made by another engine, or the client's own) therefore
 *   carries Google's documented dummy `skip_thought_signature_validator` on Gemini 3 models
 *   (same page, FAQs; only "the first functionCall part in each step" must have one, section
 *   "Validation"; vercel/ai#15560 does the same for `^gemini-3[.-]` models): the request
 *   validates, though the model does not get that reasoning back.
 */
import type { ChatMessage, CountTokensInput, GenerateInput, MessagePart, ToolOptions } from '../../core/engine.js';

/** A Gemini `Content` as this engine writes it. */
export interface GeminiContent {
  role?: 'user' | 'model';
  parts: Array<Record<string, unknown>>;
}

/** The request body this engine sends. */
export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: Array<{ functionDeclarations: Array<Record<string, unknown>> }>;
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' } };
  generationConfig?: Record<string, unknown>;
}

function base64(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

/** Google's sentinel for a function call replayed without its thought signature (see the module comment). */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/** Whether `model` validates thought signatures on replayed calls (the Gemini 3 family). */
export function needsThoughtSignatures(model: string): boolean {
  return /^gemini-3[.-]/.test(model);
}

/** Options of the mapping. */
export interface GeminiRequestOptions {
  /** Put the sentinel signature on replayed calls that have none (Gemini 3). */
  skipThoughtSignatures?: boolean;
}

/** `firstCall`: the part is its message's first function call, the one Gemini 3 wants signed. */
function convertPart(part: MessagePart, opts: GeminiRequestOptions, firstCall = false): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { text: part.text, ...(part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {}) };
    case 'image':
    case 'audio':
      return { inlineData: { mimeType: part.mimeType, data: base64(part.data) } };
    case 'function-call':
      return {
        functionCall: { ...(part.id ? { id: part.id } : {}), name: part.name, args: part.args },
        ...(part.thoughtSignature ? { thoughtSignature: part.thoughtSignature }
          : opts.skipThoughtSignatures && firstCall ? { thoughtSignature: SKIP_THOUGHT_SIGNATURE } : {}),
      };
    case 'function-response':
      return { functionResponse: { ...(part.id ? { id: part.id } : {}), name: part.name, response: part.response } };
  }
}

/** Messages → `contents` and `systemInstruction`. */
export function convertMessages(
  messages: readonly ChatMessage[], opts: GeminiRequestOptions = {},
): Pick<GeminiRequest, 'contents' | 'systemInstruction'> {
  const convert = (p: MessagePart, i: number, parts: MessagePart[]) =>
    convertPart(p, opts, p.type === 'function-call' && parts.findIndex((q) => q.type === 'function-call') === i);
  const system = messages.filter((m) => m.role === 'system').flatMap((m) => m.parts.map(convert));
  const contents = messages
    .filter((m) => m.role !== 'system')
    .map((m): GeminiContent => ({ role: m.role === 'model' ? 'model' : 'user', parts: m.parts.map(convert) }));
  return { contents, ...(system.length ? { systemInstruction: { role: 'user', parts: system } } : {}) };
}

/** Tools → `tools` and `toolConfig`. */
export function convertTools(tools: ToolOptions | undefined): Pick<GeminiRequest, 'tools' | 'toolConfig'> {
  if (!tools || tools.functions.length === 0) return {};
  return {
    tools: [{
      functionDeclarations: tools.functions.map((f) => ({
        name: f.name,
        ...(f.description ? { description: f.description } : {}),
        ...(f.parameters ? { parametersJsonSchema: f.parameters } : {}),
      })),
    }],
    toolConfig: { functionCallingConfig: { mode: tools.mode === 'any' ? 'ANY' : 'AUTO' } },
  };
}

/** The whole `GenerateContentRequest`. */
export function convertToGeminiRequest(input: GenerateInput, opts: GeminiRequestOptions = {}): GeminiRequest {
  const s = input.sampling;
  const config: Record<string, unknown> = {
    ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
    ...(s.topP !== undefined ? { topP: s.topP } : {}),
    ...(s.topK !== undefined ? { topK: s.topK } : {}),
    ...(s.seed !== undefined ? { seed: s.seed } : {}),
    ...(s.presencePenalty !== undefined ? { presencePenalty: s.presencePenalty } : {}),
    ...(s.frequencyPenalty !== undefined ? { frequencyPenalty: s.frequencyPenalty } : {}),
    maxOutputTokens: s.maxOutputTokens,
    ...(s.stopSequences.length ? { stopSequences: s.stopSequences } : {}),
    candidateCount: input.candidateCount,
  };
  const format = input.responseFormat;
  if (format?.type === 'json') Object.assign(config, { responseMimeType: 'application/json', responseJsonSchema: format.schema });
  if (format?.type === 'enum') Object.assign(config, { responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: format.values } });
  if (input.thinking) {
    config.thinkingConfig = { thinkingBudget: input.thinking.budget === 'dynamic' ? -1 : input.thinking.budget, includeThoughts: true };
  }
  if (input.logprobs) Object.assign(config, { responseLogprobs: true, logprobs: input.logprobs.top });
  return { ...convertMessages(input.messages, opts), ...convertTools(input.tools), generationConfig: config };
}

/**
 * The `countTokens` body: the `generateContentRequest` form, so the system instruction and the
 * tools are counted too (the bare `{contents}` form counts only contents; `CountTokensRequest.generate_content_request` adds "system instructions, and/or function declarations", generative_service.proto).
 */
export function convertToCountTokensRequest(input: CountTokensInput, model: string): Record<string, unknown> {
  const opts = { skipThoughtSignatures: needsThoughtSignatures(model) };
  return { generateContentRequest: { model: `models/${model}`, ...convertMessages(input.messages, opts), ...convertTools(input.tools) } };
}
