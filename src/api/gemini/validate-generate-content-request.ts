import type { Content, Part } from './content.js';
import type { GenerateContentRequest } from './generate-content.js';
import type { GenerationConfig } from './generation-config.js';
import { GEMINI_HARM_CATEGORIES, type SafetySetting } from './safety.js';
import type { FieldViolation } from './status.js';
import { validateFunctionCalling } from './validate-function-calling.js';
import { validateLogprobs } from './validate-logprobs.js';
import { validateResponseFormat } from './validate-response-format.js';
import { validateThinkingConfig } from './validate-thinking-config.js';

/**
 * The API's own rules for a (type-checked) GenerateContentRequest, independent of the model:
 * required fields, value ranges, allowed roles and enum subsets, the structured-output schemas,
 * function declarations and calling modes, thinking and logprobs options. Returns the first
 * violation in Google's words, or undefined. It runs for every generateContent and
 * streamGenerateContent (Batch API requests included) and, on the cached parts, for
 * cachedContents.create. Model- and engine-dependent limits (top_k clamping, output token caps,
 * thinking budgets, capabilities) are applied later, in src/convert/.
 *
 * Google prints these as `* <Message>.<proto path>: <text>\n`. Texts seen verbatim in public
 * reports are marked (verified); the others follow the same pattern.
 */
export function validateGenerateContentRequest(
  req: GenerateContentRequest,
  where: RequestLocation = GENERATE_CONTENT,
): FieldViolation | undefined {
  return (
    checkContentsAndSettings(req, where) ??
    validateResponseFormat(req.generationConfig) ??
    checkPromptOptions(req) ??
    validateLogprobs(req.generationConfig)
  );
}

/**
 * The rules whose texts and paths follow the request's location: contents, system instruction,
 * generation config ranges, safety settings.
 */
export function checkContentsAndSettings(req: GenerateContentRequest, where: RequestLocation): FieldViolation | undefined {
  return (
    checkContents(req.contents, where) ??
    (req.systemInstruction && checkParts(req.systemInstruction, `${where.prefix}system_instruction`, where)) ??
    checkGenerationConfig(req.generationConfig, where) ??
    checkSafetySettings(req.safetySettings, where)
  );
}

/**
 * The rules on what shapes the prompt, so that countTokens, which renders both into what it
 * counts, applies them too: function calling and thinking. Their paths start at the request
 * (`tools[0]…`, `generation_config.thinking_config`) wherever it sits.
 *
 * A request naming a `cachedContent` takes its tools and toolConfig from the cache, checked when
 * the cache was created; tools or a toolConfig of its own are Google's 400 for the combination
 * (src/generation/cached-contents/apply-cached-content.ts), so they are not checked here.
 */
export function checkPromptOptions(req: GenerateContentRequest): FieldViolation | undefined {
  const cached = req.cachedContent !== undefined && req.cachedContent !== '';
  return (
    (cached ? undefined : validateFunctionCalling(req.tools, req.toolConfig)) ??
    validateThinkingConfig(req.generationConfig?.thinkingConfig)
  );
}

/** Where the request sits: its own message, or nested inside a CountTokensRequest. */
export interface RequestLocation {
  /** The top-level message name Google prints, e.g. `GenerateContentRequest`. */
  root: string;
  /** Proto path of the request inside the root, with a trailing dot, or ''. */
  prefix: string;
}

/** A GenerateContentRequest sent as itself (generateContent, streamGenerateContent). */
export const GENERATE_CONTENT: RequestLocation = { root: 'GenerateContentRequest', prefix: '' };

/** Fields of a Part that hold its data; a Part must have exactly one (proto `oneof data`). */
const DATA_FIELDS = [
  'text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode',
  'codeExecutionResult', 'toolCall', 'toolResponse',
] as const satisfies ReadonlyArray<keyof Part>;

/** Roles a content may carry; `function` is the legacy role of function responses. */
const ROLES = new Set(['user', 'model', 'function']);

/** At most five stop sequences (GenerationConfig.stop_sequences, generative_service.proto). */
export const MAX_STOP_SEQUENCES = 5;
/** candidate_count "must be between [1, 8], inclusive" (ai.google.dev/api/rest/v1beta/GenerationConfig). */
export const MAX_CANDIDATE_COUNT = 8;

function violation(where: RequestLocation, path: string, text: string): FieldViolation {
  return { field: path, description: `* ${where.root}.${path}: ${text}\n` };
}

/** The rules for `contents` alone (also what a plain `{contents}` countTokens needs). */
export function checkContents(contents: Content[] | undefined, where: RequestLocation): FieldViolation | undefined {
  // Verified: "* GenerateContentRequest.contents: contents is not specified\n".
  if (!contents || contents.length === 0) {
    return violation(where, `${where.prefix}contents`, 'contents is not specified');
  }
  for (let i = 0; i < contents.length; i++) {
    const path = `${where.prefix}contents[${i}]`;
    const role = contents[i].role as string | undefined;
    // Verified text (Google sends it without the "* path:" prefix).
    if (role !== undefined && role !== '' && !ROLES.has(role)) {
      return { field: `${path}.role`, description: 'Please use a valid role: user, model.' };
    }
    const bad = checkParts(contents[i], path, where);
    if (bad) return bad;
  }
  return undefined;
}

function checkParts(content: Content, path: string, where: RequestLocation): FieldViolation | undefined {
  // Verified: "* GenerateContentRequest.contents[1].parts: contents.parts must not be empty.\n".
  if (!content.parts || content.parts.length === 0) {
    return violation(where, `${path}.parts`, 'contents.parts must not be empty.');
  }
  for (let j = 0; j < content.parts.length; j++) {
    const part = content.parts[j] as Record<string, unknown>;
    const set = DATA_FIELDS.filter((f) => part[f] !== undefined);
    // Verified: "...parts[0].data: required oneof field 'data' must have one initialized field".
    // Google also counts `text: ""` as unset; gemserve accepts it, because the JS SDK's chat
    // history keeps such turns and would otherwise fail on its next message.
    if (set.length === 0) {
      return violation(where, `${path}.parts[${j}].data`, "required oneof field 'data' must have one initialized field");
    }
    if (set.length > 1) {
      return {
        field: `${path}.parts[${j}]`,
        description: `Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '${set[1]}'`,
      };
    }
  }
  return undefined;
}

function range(where: RequestLocation, name: string, v: number | undefined, lo: number, hi: number, fmt = (n: number) => n.toFixed(1)) {
  if (v === undefined || (v >= lo && v <= hi)) return undefined;
  return violation(where, `${where.prefix}generation_config.${name}`, `${name} must be in the range [${fmt(lo)}, ${fmt(hi)}].`);
}

function checkGenerationConfig(c: GenerationConfig | undefined, where: RequestLocation): FieldViolation | undefined {
  if (!c) return undefined;
  const at = (name: string) => `${where.prefix}generation_config.${name}`;
  const int = (n: number) => String(n);
  return (
    // Verified: "* GenerateContentRequest.generation_config.temperature: temperature must be in the range [0.0, 2.0].\n".
    range(where, 'temperature', c.temperature, 0, 2) ??
    range(where, 'top_p', c.topP, 0, 1) ??
    // Google answers 200 to top_k 0 (observed), so 0 means "unset" and only negatives fail.
    (c.topK !== undefined && c.topK < 0 ? violation(where, at('top_k'), 'top_k must be non-negative.') : undefined) ??
    range(where, 'candidate_count', c.candidateCount, 1, MAX_CANDIDATE_COUNT, int) ??
    (c.maxOutputTokens !== undefined && c.maxOutputTokens < 1
      ? violation(where, at('max_output_tokens'), 'max_output_tokens must be positive.')
      : undefined) ??
    (c.stopSequences && c.stopSequences.length > MAX_STOP_SEQUENCES
      ? violation(where, at('stop_sequences'), `stop_sequences must have at most ${MAX_STOP_SEQUENCES} elements.`)
      : undefined) ??
    // OpenAI's range, which Google documents too ("Valid values can range from [-2.0, 2.0]",
    // GenerationConfig of the Interactions API in `@google/genai`).
    range(where, 'presence_penalty', c.presencePenalty, -2, 2) ??
    range(where, 'frequency_penalty', c.frequencyPenalty, -2, 2)
  );
}

function checkSafetySettings(settings: SafetySetting[] | undefined, where: RequestLocation): FieldViolation | undefined {
  if (!settings) return undefined;
  for (let i = 0; i < settings.length; i++) {
    // Verified, including the enum spelling and order.
    if (!(GEMINI_HARM_CATEGORIES as readonly string[]).includes(settings[i].category)) {
      const allowed = GEMINI_HARM_CATEGORIES.map((c) => `HarmCategory.${c}`).join(', ');
      return violation(where, `${where.prefix}safety_settings[${i}]`, `element predicate failed: $.category in (${allowed})`);
    }
  }
  // Verified: Google's whole message, with no field path and no BadRequest detail
  // (google-gemini/deprecated-generative-ai-python#654: 400 INVALID_ARGUMENT).
  const categories = settings.map((s) => s.category);
  if (new Set(categories).size !== categories.length) {
    return { field: '', description: 'Multiple safety settings with the same category.' };
  }
  return undefined;
}
