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

// Server-side tools (content.proto; newer ones from both SDKs' `Tool` types). Only code
// execution runs here; the others are refused by name (convert/refuse-unsupported-features.ts),
// but their fields are known so a request an SDK builds is refused for what it asks, not its shape.
// Enum-valued fields are strings, so values Google adds are not refused.

/** `CodeExecution` (`ToolCodeExecution` in both SDKs): no fields. */
export const CODE_EXECUTION = defineMessage('CodeExecution', {});

/** `UrlContext`: no fields. */
export const URL_CONTEXT = defineMessage('UrlContext', {});

export const INTERVAL = defineMessage('Interval', {
  /** google.protobuf.Timestamp in JSON (RFC 3339). */
  startTime: field.string(),
  endTime: field.string(),
});

export const GOOGLE_SEARCH = defineMessage('GoogleSearch', {
  /** `{webSearch: {}, imageSearch: {}}`; opaque. */
  searchTypes: field.struct(),
  timeRangeFilter: field.message(INTERVAL),
  blockingConfidence: field.string(),
  excludeDomains: repeated(field.string()),
});

export const DYNAMIC_RETRIEVAL_CONFIG = defineMessage('DynamicRetrievalConfig', {
  mode: field.string(),
  dynamicThreshold: field.float(),
});

export const GOOGLE_SEARCH_RETRIEVAL = defineMessage('GoogleSearchRetrieval', {
  dynamicRetrievalConfig: field.message(DYNAMIC_RETRIEVAL_CONFIG),
});

export const COMPUTER_USE = defineMessage('ComputerUse', {
  environment: field.string(),
  excludedPredefinedFunctions: repeated(field.string()),
  enablePromptInjectionDetection: field.bool(),
  disabledSafetyPolicies: repeated(field.string()),
});

export const FILE_SEARCH = defineMessage('FileSearch', {
  fileSearchStoreNames: repeated(field.string()),
  metadataFilter: field.string(),
  topK: field.int32(),
});

export const GOOGLE_MAPS = defineMessage('GoogleMaps', {
  /** Credentials for the Maps API (`AuthConfig`); opaque. */
  authConfig: field.struct(),
  enableWidget: field.bool(),
  groundingTypes: field.struct(),
});

export const MCP_SERVER = defineMessage('McpServer', {
  name: field.string(),
  /** `{url, headers, timeout, sseReadTimeout, terminateOnClose}`; opaque (headers are the user's). */
  streamableHttpTransport: field.struct(),
});

export const TOOL = defineMessage('Tool', {
  functionDeclarations: repeated(field.message(FUNCTION_DECLARATION).as<FunctionDeclaration>()),
  codeExecution: field.message(CODE_EXECUTION),
  googleSearch: field.message(GOOGLE_SEARCH),
  googleSearchRetrieval: field.message(GOOGLE_SEARCH_RETRIEVAL),
  urlContext: field.message(URL_CONTEXT),
  computerUse: field.message(COMPUTER_USE),
  fileSearch: field.message(FILE_SEARCH),
  googleMaps: field.message(GOOGLE_MAPS),
  mcpServers: repeated(field.message(MCP_SERVER)),
  // Vertex AI's tools, in both SDKs' `Tool` type (their Gemini API converters refuse them, but a
  // raw client may send them, e.g. @ai-sdk/google's `retrieval`): known, and refused by name as
  // the hosted tools above are.
  retrieval: field.struct(),
  enterpriseWebSearch: field.struct(),
  parallelAiSearch: field.struct(),
  exaAiSearch: field.struct(),
});
export interface Tool extends MessageType<typeof TOOL> {}

export const FUNCTION_CALLING_MODE = defineEnum('FunctionCallingConfig.Mode', ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED']);

export const FUNCTION_CALLING_CONFIG = defineMessage('FunctionCallingConfig', {
  mode: field.enum(FUNCTION_CALLING_MODE),
  allowedFunctionNames: repeated(field.string()),
  /** Vertex AI's (both SDKs' type; @ai-sdk/google sets it on Vertex streams); no local effect. */
  streamFunctionCallArguments: field.bool(),
});
export interface FunctionCallingConfig extends MessageType<typeof FUNCTION_CALLING_CONFIG> {}

export const LAT_LNG = defineMessage('LatLng', {
  latitude: field.float(),
  longitude: field.float(),
});

/** Where the user is, for Maps and Search grounding; no local effect. */
export const RETRIEVAL_CONFIG = defineMessage('RetrievalConfig', {
  latLng: field.message(LAT_LNG),
  languageCode: field.string(),
});

export const TOOL_CONFIG = defineMessage('ToolConfig', {
  functionCallingConfig: field.message(FUNCTION_CALLING_CONFIG).as<FunctionCallingConfig>(),
  retrievalConfig: field.message(RETRIEVAL_CONFIG),
  includeServerSideToolInvocations: field.bool(),
});
export interface ToolConfig extends MessageType<typeof TOOL_CONFIG> {}
