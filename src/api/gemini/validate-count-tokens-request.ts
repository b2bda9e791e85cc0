import type { CountTokensRequest, FieldViolation } from './types.js';
import { checkContents, checkContentsAndSettings, checkPromptOptions } from './validate-generate-content-request.js';

/**
 * The API's rules for a (type-checked) CountTokensRequest. Both shapes of the proto's
 * CountTokensRequest are accepted: `{contents}` as the SDKs send it, or `{generateContentRequest}` as
 * raw clients do; when both are present the nested request wins, as the proto documents
 * (`contents` "is ignored when generate_content_request is set", generative_service.proto).
 */
export function validateCountTokensRequest(req: CountTokensRequest): FieldViolation | undefined {
  const nested = req.generateContentRequest;
  if (nested) {
    // generateContent's rules but for those on its output options (response schemas, logprobs):
    // they do not change the count, and countTokens has never refused them.
    return checkContentsAndSettings(nested, { root: 'CountTokensRequest', prefix: 'generate_content_request.' }) ??
      checkPromptOptions(nested);
  }
  return checkContents(req.contents, { root: 'CountTokensRequest', prefix: '' });
}
