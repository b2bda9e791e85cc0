import { CONTENT, type Content } from './content.js';
import { defineMessage, field, repeated, required, type MessageType } from './define-message.js';
import { GENERATION_CONFIG, type GenerationConfig } from './generation-config.js';
import { SAFETY_SETTING, type SafetySetting } from './safety.js';
import { TOOL, TOOL_CONFIG, type Tool, type ToolConfig } from './tools.js';

/**
 * `models.generateContent` and `models.streamGenerateContent`: the request as a table, the
 * response as plain interfaces (generative_service.proto in googleapis/googleapis; newer fields
 * from `@google/genai` `src/types.ts`).
 */

export const GENERATE_CONTENT_REQUEST = defineMessage('GenerateContentRequest', {
  /** Present in countTokens' `generateContentRequest` form and batch requests. */
  model: field.string(),
  contents: required(repeated(field.message(CONTENT).as<Content>())),
  systemInstruction: field.message(CONTENT).as<Content>(),
  tools: repeated(field.message(TOOL).as<Tool>()),
  toolConfig: field.message(TOOL_CONFIG).as<ToolConfig>(),
  safetySettings: repeated(field.message(SAFETY_SETTING).as<SafetySetting>()),
  generationConfig: field.message(GENERATION_CONFIG).as<GenerationConfig>(),
  cachedContent: field.string(),
  /** `flex | standard | priority`; newer SDKs send it top-level (`serviceTier` in `@google/genai`). */
  serviceTier: field.string(),
  // Top-level fields js-genai's generateContentConfigToMldev and @ai-sdk/google send: billing
  // labels (a string map, user keys), a long decode's continuation, whether Google may store the
  // exchange. No local effect.
  labels: field.struct<Record<string, string>>(),
  continuationToken: field.string(),
  store: field.bool(),
});
export interface GenerateContentRequest extends MessageType<typeof GENERATE_CONTENT_REQUEST> {}

export type FinishReason =
  | 'FINISH_REASON_UNSPECIFIED' | 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'RECITATION' | 'LANGUAGE'
  | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'SPII' | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY' | 'UNEXPECTED_TOOL_CALL' | 'TOO_MANY_TOOL_CALLS';

/** The modality of counted tokens (content.proto `Modality`), not `GenerationConfig.Modality`. */
export type Modality = 'MODALITY_UNSPECIFIED' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'AUDIO' | 'DOCUMENT';

export interface ModalityTokenCount {
  modality: Modality;
  tokenCount: number;
}

export interface UsageMetadata {
  promptTokenCount: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount: number;
  promptTokensDetails?: ModalityTokenCount[];
  cacheTokensDetails?: ModalityTokenCount[];
  candidatesTokensDetails?: ModalityTokenCount[];
}

/** One token and its log probability (`LogprobsResult.Candidate`). */
export interface LogprobsCandidate {
  token: string;
  tokenId: number;
  logProbability: number;
}

/** `Candidate.logprobsResult`: per decoding step, the chosen token and the top alternatives. */
export interface LogprobsResult {
  topCandidates?: Array<{ candidates: LogprobsCandidate[] }>;
  chosenCandidates: LogprobsCandidate[];
  logProbabilitySum?: number;
}

export interface Candidate {
  content: Content;
  finishReason?: FinishReason;
  finishMessage?: string;
  index: number;
  avgLogprobs?: number;
  logprobsResult?: LogprobsResult;
}

export interface GenerateContentResponse {
  candidates?: Candidate[];
  promptFeedback?: { blockReason?: string; safetyRatings?: unknown[] };
  usageMetadata?: UsageMetadata;
  modelVersion: string;
  responseId: string;
}
