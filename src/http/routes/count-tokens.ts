import type { CountTokensResponse } from '../../api/gemini/types.js';
import { convertToCountTokensInput } from '../../convert/convert-to-count-tokens-input.js';
import { convertToCountTokensResponse } from '../../convert/convert-to-usage-metadata.js';
import type { MethodContext } from '../method-context.js';
import { parseCountTokensRequest } from '../parse-gemini-request.js';

/**
 * `POST /{version}/models/{id}:countTokens`, with `{contents}` or `{generateContentRequest}`.
 * The total equals the `promptTokenCount` generateContent reports for the same input.
 */
export async function countTokens({ request, entry }: MethodContext): Promise<CountTokensResponse> {
  const input = convertToCountTokensInput(parseCountTokensRequest(request.body), entry);
  return convertToCountTokensResponse(await entry.engine.countTokens(input));
}
