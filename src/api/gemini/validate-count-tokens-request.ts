import type { CountTokensRequest, FieldViolation } from './types.js';
import { checkContents, validateGenerateContentRequest } from './validate-generate-content-request.js';

/**
 * The API's rules for a (type-checked) CountTokensRequest. Both shapes of the proto's
 * CountTokensRequest are accepted: `{contents}` as the SDKs send it, or `{generateContentRequest}` as
 * raw clients do; when both are present the nested request wins, as the proto documents
 * (`contents` "is ignored when generate_content_request is set", generative_service.proto).
 */
export function validateCountTokensRequest(req: CountTokensRequest): FieldViolation | undefined {
  if (req.generateContentRequest) {
    return validateGenerateContentRequest(req.generateContentRequest, {
      root: 'CountTokensRequest',
      prefix: 'generate_content_request.',
    });
  }
  return checkContents(req.contents, { root: 'CountTokensRequest', prefix: '' });
}
