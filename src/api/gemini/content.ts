import { defineEnum, defineMessage, field, repeated, required, type EnumValue, type MessageType } from './define-message.js';

/**
 * `Content` and its `Part`s (google/ai/generativelanguage/v1beta/content.proto in
 * googleapis/googleapis; fields newer than the protos from `@google/genai` `src/types.ts` in
 * googleapis/js-genai). Shared by requests and responses.
 */

/** `function` is the legacy role of function responses; `system` only ever appears in `systemInstruction`. */
export type Role = 'user' | 'model' | 'function' | 'system';

export const BLOB = defineMessage('Blob', {
  mimeType: required(field.string()),
  /** base64 */
  data: required(field.bytes()),
  /** In both SDKs' `Blob` (Vertex AI reads it); carried, never read here. */
  displayName: field.string(),
});
export interface Blob extends MessageType<typeof BLOB> {}

export const FILE_DATA = defineMessage('FileData', {
  mimeType: field.string(),
  fileUri: required(field.string()),
  /** In both SDKs' `FileData` (Vertex AI reads it); carried, never read here. */
  displayName: field.string(),
});
export interface FileData extends MessageType<typeof FILE_DATA> {}

export const FUNCTION_CALL = defineMessage('FunctionCall', {
  id: field.string(),
  name: required(field.string()),
  args: field.struct(),
  // Streamed function-call arguments (`partialArgs`, `willContinue` in both SDKs' `FunctionCall`),
  // which a client may echo back in its history; no local engine streams arguments.
  partialArgs: repeated(field.struct()),
  willContinue: field.bool(),
});
export interface FunctionCall extends MessageType<typeof FUNCTION_CALL> {}

export const FUNCTION_RESPONSE_SCHEDULING = defineEnum('FunctionResponse.Scheduling', [
  'SCHEDULING_UNSPECIFIED', 'SILENT', 'WHEN_IDLE', 'INTERRUPT',
]);

export const FUNCTION_RESPONSE = defineMessage('FunctionResponse', {
  id: field.string(),
  name: required(field.string()),
  // REQUIRED in the proto, but no check here refuses its absence, so the type does not either.
  response: field.struct(),
  /** `FunctionResponsePart`s (media the function returns); opaque here, as no local engine reads them. */
  parts: repeated(field.struct()),
  willContinue: field.bool(),
  scheduling: field.enum(FUNCTION_RESPONSE_SCHEDULING),
});
export interface FunctionResponse extends MessageType<typeof FUNCTION_RESPONSE> {}

export const EXECUTABLE_CODE_LANGUAGE = defineEnum('ExecutableCode.Language', ['LANGUAGE_UNSPECIFIED', 'PYTHON']);

export const EXECUTABLE_CODE = defineMessage('ExecutableCode', {
  language: required(field.enum(EXECUTABLE_CODE_LANGUAGE)),
  code: required(field.string()),
  id: field.string(),
});
export interface ExecutableCode extends MessageType<typeof EXECUTABLE_CODE> {}

export const CODE_EXECUTION_OUTCOME = defineEnum('CodeExecutionResult.Outcome', [
  'OUTCOME_UNSPECIFIED', 'OUTCOME_OK', 'OUTCOME_FAILED', 'OUTCOME_DEADLINE_EXCEEDED',
]);
export type CodeExecutionOutcome = EnumValue<typeof CODE_EXECUTION_OUTCOME>;

export const CODE_EXECUTION_RESULT = defineMessage('CodeExecutionResult', {
  outcome: required(field.enum(CODE_EXECUTION_OUTCOME)),
  output: field.string(),
  id: field.string(),
});
export interface CodeExecutionResult extends MessageType<typeof CODE_EXECUTION_RESULT> {}

export const VIDEO_METADATA = defineMessage('VideoMetadata', {
  /** google.protobuf.Duration in JSON, e.g. `"1.5s"`. */
  startOffset: field.string(),
  endOffset: field.string(),
  fps: field.float(),
});
export interface VideoMetadata extends MessageType<typeof VIDEO_METADATA> {}

/** `Part.mediaResolution` (`PartMediaResolution` in `@google/genai`): a `MEDIA_RESOLUTION_*` level, or a token count. */
export const PART_MEDIA_RESOLUTION = defineMessage('PartMediaResolution', {
  // A string, like GenerationConfig.mediaResolution, so levels Google adds later are not refused.
  level: field.string(),
  numTokens: field.int32(),
});
export interface PartMediaResolution extends MessageType<typeof PART_MEDIA_RESOLUTION> {}

/** A Part holds exactly one data field (proto `oneof data`) plus optional metadata. */
export const PART = defineMessage('Part', {
  text: field.string(),
  inlineData: field.message(BLOB).as<Blob>(),
  fileData: field.message(FILE_DATA).as<FileData>(),
  functionCall: field.message(FUNCTION_CALL).as<FunctionCall>(),
  functionResponse: field.message(FUNCTION_RESPONSE).as<FunctionResponse>(),
  executableCode: field.message(EXECUTABLE_CODE).as<ExecutableCode>(),
  codeExecutionResult: field.message(CODE_EXECUTION_RESULT).as<CodeExecutionResult>(),
  thought: field.bool(),
  /** base64, opaque */
  thoughtSignature: field.bytes(),
  videoMetadata: field.message(VIDEO_METADATA).as<VideoMetadata>(),
  partMetadata: field.struct(),
  /** Per-part media resolution (Gemini 3); overrides `generationConfig.mediaResolution`. */
  mediaResolution: field.message(PART_MEDIA_RESOLUTION).as<PartMediaResolution>(),
  // A server-side tool call the model predicted, which the client echoes back, and that tool's
  // output (`Part.toolCall`/`toolResponse` in `@google/genai`); opaque, no local tool makes them.
  toolCall: field.struct(),
  toolResponse: field.struct(),
  // Newer Part fields both SDKs send as given (`partToMldev` in js-genai, `_Part_to_mldev` in
  // python-genai): a transcription of audio, how media is processed, who speaks; opaque here.
  audioTranscription: field.struct(),
  mediaProcessing: field.string(),
  speechMetadata: field.struct(),
});
export interface Part extends MessageType<typeof PART> {}

export const CONTENT = defineMessage('Content', {
  role: field.string<Role>(),
  parts: required(repeated(field.message(PART).as<Part>())),
});
export interface Content extends MessageType<typeof CONTENT> {}
