import { defineEnum, defineMessage, field, repeated, required, type MessageType } from './define-message.js';
import { SCHEMA, type Schema } from './schema.js';

/**
 * Tools and how the model may call them (`Tool`, `FunctionDeclaration`, `ToolConfig` in
 * content.proto of googleapis/googleapis; server-side tools newer than the protos from
 * `@google/genai` `src/types.ts`).
 */

export const FUNCTION_BEHAVIOR = defineEnum('FunctionDeclaration.Behavior', ['UNSPECIFIED', 'BLOCKING', 'NON_BLOCKING']);

export const FUNCTION_DECLARATION = defineMessage('FunctionDeclaration', {
  name: required(field.string()),
  description: field.string(),
  parameters: field.message(SCHEMA).as<Schema>(),
  parametersJsonSchema: field.value(),
  response: field.message(SCHEMA).as<Schema>(),
  responseJsonSchema: field.value(),
  behavior: field.enum(FUNCTION_BEHAVIOR),
});
export interface FunctionDeclaration extends MessageType<typeof FUNCTION_DECLARATION> {}

export const TOOL = defineMessage('Tool', {
  functionDeclarations: repeated(field.message(FUNCTION_DECLARATION).as<FunctionDeclaration>()),
  // Server-side tools: their bodies are opaque here (no local implementation reads them).
  codeExecution: field.struct<Record<string, never>>(),
  googleSearch: field.struct(),
  googleSearchRetrieval: field.struct(),
  urlContext: field.struct<Record<string, never>>(),
  computerUse: field.struct(),
  fileSearch: field.struct(),
  googleMaps: field.struct(),
  mcpServers: repeated(field.struct()),
});
export interface Tool extends MessageType<typeof TOOL> {}

export const FUNCTION_CALLING_MODE = defineEnum('FunctionCallingConfig.Mode', ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);

export const FUNCTION_CALLING_CONFIG = defineMessage('FunctionCallingConfig', {
  mode: field.enum(FUNCTION_CALLING_MODE),
  allowedFunctionNames: repeated(field.string()),
});
export interface FunctionCallingConfig extends MessageType<typeof FUNCTION_CALLING_CONFIG> {}

export const TOOL_CONFIG = defineMessage('ToolConfig', {
  functionCallingConfig: field.message(FUNCTION_CALLING_CONFIG).as<FunctionCallingConfig>(),
  retrievalConfig: field.struct(),
  includeServerSideToolInvocations: field.bool(),
});
export interface ToolConfig extends MessageType<typeof TOOL_CONFIG> {}
