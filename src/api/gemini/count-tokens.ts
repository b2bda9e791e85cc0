import { CONTENT, type Content } from './content.js';
import { defineMessage, field, repeated, type MessageType } from './define-message.js';
import { GENERATE_CONTENT_REQUEST, type GenerateContentRequest, type ModalityTokenCount } from './generate-content.js';

/** `models.countTokens` (generative_service.proto in googleapis/googleapis). */

export const COUNT_TOKENS_REQUEST = defineMessage('CountTokensRequest', {
  contents: repeated(field.message(CONTENT).as<Content>()),
  /** Wins over `contents` when both are set ("ignored when generate_content_request is set", the proto). */
  generateContentRequest: field.message(GENERATE_CONTENT_REQUEST).as<GenerateContentRequest>(),
});
export interface CountTokensRequest extends MessageType<typeof COUNT_TOKENS_REQUEST> {}

export interface CountTokensResponse {
  totalTokens: number;
  cachedContentTokenCount?: number;
  promptTokensDetails?: ModalityTokenCount[];
}
