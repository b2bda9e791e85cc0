/**
 * The request messages of the Gemini API as data: for each message, its fields with their
 * proto (snake_case) name, JSON (lowerCamelCase) name and proto type. One table drives both
 * `normalize-field-names.ts` (snake → camel) and `check-field-types.ts` (proto3-JSON typing),
 * so they never disagree about which keys are message fields and which are user data.
 *
 * Sources: google/ai/generativelanguage/v1beta/{generative_service,content,safety}.proto in
 * googleapis/googleapis, and `@google/genai` `src/types.ts` for fields newer than the protos.
 */

/** Google's type URL prefix; error texts name message and enum types with it. */
export const TYPE_URL_PREFIX = 'type.googleapis.com/google.ai.generativelanguage.v1beta.';

/** An enum with its values; matched case-insensitively and stored uppercase. */
export interface EnumSpec {
  /** Name after TYPE_URL_PREFIX, e.g. `HarmCategory`, as Google's error texts show it. */
  name: string;
  values: ReadonlySet<string>;
}

/** A field's proto3 type: a scalar, an enum, a message (by name) or opaque user JSON. */
export type FieldType =
  | 'string' | 'bytes' | 'bool' | 'float' | 'int32' | 'int64'
  /** google.protobuf.Struct/Value or a JSON Schema: user data, never renamed nor checked. */
  | 'struct'
  | { enum: EnumSpec }
  | { message: string };

/** One field of a message. */
export interface FieldSpec {
  /** lowerCamelCase JSON name. */
  json: string;
  /** snake_case proto name, used in error paths (`generation_config.temperature`). */
  proto: string;
  type: FieldType;
  repeated: boolean;
  /** `map<string, T>`: keys are user data (e.g. Schema.properties), values are `type`. */
  map: boolean;
}

/** One message: its fields, findable by either spelling. */
export interface MessageSpec {
  name: string;
  /** By JSON name. */
  fields: ReadonlyMap<string, FieldSpec>;
  /** JSON name by proto name, for the snake_case spellings only. */
  bySnake: ReadonlyMap<string, string>;
}

const snake = (json: string) => json.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function enumOf(name: string, values: string[]): { enum: EnumSpec } {
  return { enum: { name, values: new Set(values) } };
}

type FieldDef = [json: string, type: FieldType, shape?: 'repeated' | 'map'];

const MESSAGES = new Map<string, MessageSpec>();

function message(name: string, defs: FieldDef[]): void {
  const fields = new Map<string, FieldSpec>();
  const bySnake = new Map<string, string>();
  for (const [json, type, shape] of defs) {
    const proto = snake(json);
    fields.set(json, { json, proto, type, repeated: shape === 'repeated', map: shape === 'map' });
    if (proto !== json) bySnake.set(proto, json);
  }
  MESSAGES.set(name, { name, fields, bySnake });
}

/** Harm categories the proto defines (legacy PaLM ones included; Gemini accepts only five). */
const HARM_CATEGORY = enumOf('HarmCategory', [
  'HARM_CATEGORY_UNSPECIFIED', 'HARM_CATEGORY_DEROGATORY', 'HARM_CATEGORY_TOXICITY',
  'HARM_CATEGORY_VIOLENCE', 'HARM_CATEGORY_SEXUAL', 'HARM_CATEGORY_MEDICAL', 'HARM_CATEGORY_DANGEROUS',
  'HARM_CATEGORY_HARASSMENT', 'HARM_CATEGORY_HATE_SPEECH', 'HARM_CATEGORY_SEXUALLY_EXPLICIT',
  'HARM_CATEGORY_DANGEROUS_CONTENT', 'HARM_CATEGORY_CIVIC_INTEGRITY',
]);

const HARM_BLOCK_THRESHOLD = enumOf('SafetySetting.HarmBlockThreshold', [
  'HARM_BLOCK_THRESHOLD_UNSPECIFIED', 'BLOCK_LOW_AND_ABOVE', 'BLOCK_MEDIUM_AND_ABOVE',
  'BLOCK_ONLY_HIGH', 'BLOCK_NONE', 'OFF',
]);

const SCHEMA_TYPE = enumOf('Type', [
  'TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL',
]);

message('GenerateContentRequest', [
  ['model', 'string'],
  ['contents', { message: 'Content' }, 'repeated'],
  ['systemInstruction', { message: 'Content' }],
  ['tools', { message: 'Tool' }, 'repeated'],
  ['toolConfig', { message: 'ToolConfig' }],
  ['safetySettings', { message: 'SafetySetting' }, 'repeated'],
  ['generationConfig', { message: 'GenerationConfig' }],
  ['cachedContent', 'string'],
  ['serviceTier', 'string'],
]);

message('CountTokensRequest', [
  ['contents', { message: 'Content' }, 'repeated'],
  ['generateContentRequest', { message: 'GenerateContentRequest' }],
]);

message('Content', [
  ['role', 'string'],
  ['parts', { message: 'Part' }, 'repeated'],
]);

message('Part', [
  ['text', 'string'],
  ['inlineData', { message: 'Blob' }],
  ['fileData', { message: 'FileData' }],
  ['functionCall', { message: 'FunctionCall' }],
  ['functionResponse', { message: 'FunctionResponse' }],
  ['executableCode', { message: 'ExecutableCode' }],
  ['codeExecutionResult', { message: 'CodeExecutionResult' }],
  ['thought', 'bool'],
  ['thoughtSignature', 'bytes'],
  ['videoMetadata', { message: 'VideoMetadata' }],
  ['partMetadata', 'struct'],
  ['mediaResolution', { message: 'PartMediaResolution' }],
  ['toolCall', 'struct'],
  ['toolResponse', 'struct'],
]);

message('Blob', [['mimeType', 'string'], ['data', 'bytes']]);
message('FileData', [['mimeType', 'string'], ['fileUri', 'string']]);
message('FunctionCall', [['id', 'string'], ['name', 'string'], ['args', 'struct']]);
message('FunctionResponse', [
  ['id', 'string'],
  ['name', 'string'],
  ['response', 'struct'],
  ['parts', 'struct', 'repeated'],
  ['willContinue', 'bool'],
  ['scheduling', enumOf('FunctionResponse.Scheduling', ['SCHEDULING_UNSPECIFIED', 'SILENT', 'WHEN_IDLE', 'INTERRUPT'])],
]);
message('ExecutableCode', [
  ['language', enumOf('ExecutableCode.Language', ['LANGUAGE_UNSPECIFIED', 'PYTHON'])],
  ['code', 'string'],
  ['id', 'string'],
]);
message('CodeExecutionResult', [
  ['outcome', enumOf('CodeExecutionResult.Outcome', [
    'OUTCOME_UNSPECIFIED', 'OUTCOME_OK', 'OUTCOME_FAILED', 'OUTCOME_DEADLINE_EXCEEDED',
  ])],
  ['output', 'string'],
  ['id', 'string'],
]);
message('VideoMetadata', [['startOffset', 'string'], ['endOffset', 'string'], ['fps', 'float']]);
// Level kept a string, like GenerationConfig.mediaResolution, so new levels Google adds are not refused.
message('PartMediaResolution', [['level', 'string'], ['numTokens', 'int32']]);

message('Tool', [
  ['functionDeclarations', { message: 'FunctionDeclaration' }, 'repeated'],
  // Server-side tools: their bodies are opaque here (no local implementation reads them).
  ['codeExecution', 'struct'],
  ['googleSearch', 'struct'],
  ['googleSearchRetrieval', 'struct'],
  ['urlContext', 'struct'],
  ['computerUse', 'struct'],
  ['fileSearch', 'struct'],
  ['googleMaps', 'struct'],
  ['mcpServers', 'struct', 'repeated'],
]);

message('FunctionDeclaration', [
  ['name', 'string'],
  ['description', 'string'],
  ['parameters', { message: 'Schema' }],
  ['parametersJsonSchema', 'struct'],
  ['response', { message: 'Schema' }],
  ['responseJsonSchema', 'struct'],
  ['behavior', enumOf('FunctionDeclaration.Behavior', ['UNSPECIFIED', 'BLOCKING', 'NON_BLOCKING'])],
]);

message('Schema', [
  ['type', SCHEMA_TYPE],
  ['format', 'string'],
  ['title', 'string'],
  ['description', 'string'],
  ['nullable', 'bool'],
  ['enum', 'string', 'repeated'],
  ['items', { message: 'Schema' }],
  ['minItems', 'int64'],
  ['maxItems', 'int64'],
  ['properties', { message: 'Schema' }, 'map'],
  ['required', 'string', 'repeated'],
  ['minProperties', 'int64'],
  ['maxProperties', 'int64'],
  ['minimum', 'float'],
  ['maximum', 'float'],
  ['minLength', 'int64'],
  ['maxLength', 'int64'],
  ['pattern', 'string'],
  ['example', 'struct'],
  ['anyOf', { message: 'Schema' }, 'repeated'],
  ['propertyOrdering', 'string', 'repeated'],
  ['default', 'struct'],
]);

message('ToolConfig', [
  ['functionCallingConfig', { message: 'FunctionCallingConfig' }],
  ['retrievalConfig', 'struct'],
  ['includeServerSideToolInvocations', 'bool'],
]);
message('FunctionCallingConfig', [
  ['mode', enumOf('FunctionCallingConfig.Mode', ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'])],
  ['allowedFunctionNames', 'string', 'repeated'],
]);

message('SafetySetting', [['category', HARM_CATEGORY], ['threshold', HARM_BLOCK_THRESHOLD]]);

message('GenerationConfig', [
  ['candidateCount', 'int32'],
  ['stopSequences', 'string', 'repeated'],
  ['maxOutputTokens', 'int32'],
  ['temperature', 'float'],
  ['topP', 'float'],
  ['topK', 'int32'],
  ['seed', 'int32'],
  ['presencePenalty', 'float'],
  ['frequencyPenalty', 'float'],
  ['responseMimeType', 'string'],
  ['responseSchema', { message: 'Schema' }],
  ['responseJsonSchema', 'struct'],
  // The proto's own spelling of the JSON-schema field (GEMINI-API.md §2.4).
  ['_responseJsonSchema', 'struct'],
  ['responseLogprobs', 'bool'],
  ['logprobs', 'int32'],
  ['responseModalities', enumOf('GenerationConfig.Modality', ['MODALITY_UNSPECIFIED', 'TEXT', 'IMAGE', 'AUDIO']), 'repeated'],
  // Read by the media step (src/media/choose-pixel-budget.ts); kept loose so new enum values Google adds are not refused.
  ['mediaResolution', 'string'],
  ['speechConfig', 'struct'],
  ['imageConfig', 'struct'],
  ['enableEnhancedCivicAnswers', 'bool'],
  ['thinkingConfig', { message: 'ThinkingConfig' }],
]);

message('ThinkingConfig', [
  ['thinkingBudget', 'int32'],
  ['includeThoughts', 'bool'],
  ['thinkingLevel', enumOf('ThinkingConfig.ThinkingLevel', ['THINKING_LEVEL_UNSPECIFIED', 'MINIMAL', 'LOW', 'MEDIUM', 'HIGH'])],
]);

/** Names of the request messages callers start a walk from. */
export type RootMessage = 'GenerateContentRequest' | 'CountTokensRequest';

/** The spec of a message by name; throws on a typo in this file (a programming error). */
export function messageSpec(name: string): MessageSpec {
  const spec = MESSAGES.get(name);
  if (!spec) throw new Error(`request-schema: unknown message ${name}`);
  return spec;
}

/**
 * Deepest message nesting a walk follows (Schema.items can nest without end). Protobuf's own
 * parsers stop at a recursion limit of 100 as well.
 */
export const MAX_NESTING = 100;
