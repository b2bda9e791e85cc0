import type { CountTokensRequest, GenerateContentRequest } from '../api/gemini/types.js';
import type { ResolvedMedia } from '../convert/resolved-media.js';
import { resolveMediaParts } from '../media/resolve-media-parts.js';
import type { FileService } from '../storage/files/file-service.js';
import type { CallBase } from './generation-call.js';

/** A request's media as the engine will see it, and the path each kind took (`image=pixels`, `audio=transcript`, …). */
export interface CallMedia {
  media: ResolvedMedia;
  paths: string[];
}

/**
 * The media step of generate, countTokens and cache creation: resolves the request's
 * `inlineData`/`fileData` parts for the model's engine (src/media/), reading `fileData` from the
 * caller's Files. The call's signal kills the decoders when the call is aborted.
 */
export async function resolveCallMedia(
  call: Pick<CallBase, 'caller' | 'model' | 'signal'>, files: FileService | undefined, req: GenerateContentRequest | CountTokensRequest,
): Promise<CallMedia> {
  // countTokens: the nested generateContentRequest wins over top-level contents (as in its converter).
  const nested = 'generateContentRequest' in req ? req.generateContentRequest : undefined;
  return resolveMediaParts(nested ?? req, {
    modelId: call.model.definition.id,
    capabilities: call.model.engine.capabilities,
    ...(files
      ? {
        resolveFileData: async (uri: string) => {
          const { record, bytes } = await files.readForOwner(uri, call.caller.id);
          return { mimeType: record.mimeType, data: bytes };
        },
      }
      : {}),
    signal: call.signal,
  }, nested ? 'generate_content_request.' : '');
}
