import type { CountTokensRequest, GenerateContentRequest } from '../api/gemini/types.js';
import type { ResolvedMedia } from '../convert/resolved-media.js';
import { resolveMediaParts } from '../media/resolve-media-parts.js';
import type { MethodContext } from './method-context.js';

/**
 * The response header that says which path each kind of media took, e.g.
 * `x-gemserve-media-path: image=pixels, audio=transcript, video=frames+transcript`. A header,
 * not a body field, so no SDK's response parsing can trip on it; SDK users read it from
 * `response.sdkHttpResponse.headers` (@google/genai).
 */
export const MEDIA_PATH_HEADER = 'x-gemserve-media-path';

/**
 * The media step of the generate and countTokens handlers: resolves the request's
 * `inlineData`/`fileData` parts for the model's engine (src/media/), reading `fileData` from the
 * caller's Files, and reports the paths taken in MEDIA_PATH_HEADER. `signal` kills the decoders
 * when the client goes away or its deadline passes.
 */
export async function resolveRequestMedia(
  { request, reply, entry, files }: MethodContext, req: GenerateContentRequest | CountTokensRequest, signal: AbortSignal,
): Promise<ResolvedMedia> {
  // countTokens: the nested generateContentRequest wins over top-level contents (as in its converter).
  const nested = 'generateContentRequest' in req ? req.generateContentRequest : undefined;
  const { media, paths } = await resolveMediaParts(nested ?? req, {
    modelId: entry.definition.id,
    capabilities: entry.engine.capabilities,
    ...(files
      ? {
        resolveFileData: async (uri: string) => {
          const { record, bytes } = await files.readForOwner(uri, request.callerId);
          return { mimeType: record.mimeType, data: bytes };
        },
      }
      : {}),
    signal,
  }, nested ? 'generate_content_request.' : '');
  if (paths.length > 0) reply.header(MEDIA_PATH_HEADER, paths.join(', '));
  return media;
}
