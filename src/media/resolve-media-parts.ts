import type { Content, GenerationConfig, Part } from '../api/gemini/types.js';
import type { EngineCapabilities, MessagePart } from '../core/engine.js';
import { Errors, isGemserveError } from '../core/errors.js';
import type { ResolvedMedia } from '../convert/resolved-media.js';
import { chooseMediaResolution } from './choose-pixel-budget.js';
import { checkMediaType, type CheckedMedia } from './check-media-type.js';
import { decodeInlineData } from './decode-inline-data.js';
import { MAX_INLINE_DATA_BYTES, MAX_INLINE_PDF_BYTES, type MediaResolutionLevel } from './media-limits.js';
import { MediaInputError, MediaToolMissingError } from './media-input-error.js';
import { DEFAULT_MEDIA_TOOLS, type MediaTools } from './media-tools.js';
import type { MediaJob } from './media-job.js';
import { resolveAudio } from './resolve-audio.js';
import { resolveDocument } from './resolve-document.js';
import { resolveImage } from './resolve-image.js';
import { resolveText } from './resolve-text.js';
import { resolveVideo } from './resolve-video.js';
import type { ResolveFileData } from './resolve-file-data.js';

/** What the media step needs to know about the request's target and the server. */
export interface MediaContext {
  /** The model id, for refusals (`models/<id>`). */
  modelId: string;
  /** What the bound engine takes natively: decides pixels vs refusal, native audio vs transcript. */
  capabilities: EngineCapabilities;
  /** Reads `fileData` parts; absent: every file URI is unknown (Google's 403). */
  resolveFileData?: ResolveFileData;
  tools?: MediaTools;
  /** The request's abort signal: tools are killed when the client goes away. */
  signal?: AbortSignal;
}

/** The request's media turned into engine parts, and which path each kind took. */
export interface ResolvedMediaParts {
  media: ResolvedMedia;
  /**
   * Which path each media part took, in request order without repeats, e.g.
   * `['image=pixels', 'audio=transcript', 'video=frames+transcript', 'document=pages+text']`.
   * The HTTP layer reports it in the `x-gemserve-media-path` response header.
   */
  paths: string[];
}

/** The parts of a generate request the media step reads. */
export interface MediaRequest {
  contents?: Content[];
  systemInstruction?: Content;
  generationConfig?: GenerationConfig;
}

/**
 * The media step, between parsing and conversion: every `inlineData` and `fileData` part of the
 * request is fetched, checked (its MIME type against its bytes), decoded and prepared as Gemini
 * would (images scaled to their media resolution, video sampled to frames, audio heard or
 * transcribed, PDFs read and rendered), producing the engine's `MessagePart`s. What the engine
 * cannot take is refused with a 400 naming the part; nothing is dropped in silence.
 *
 * `pathPrefix` is where the request sits in the body (`generate_content_request.` for a nested
 * countTokens request), so error paths match the body the client sent.
 *
 * Parts are processed one after another: each may run decoders that use every core already.
 */
export async function resolveMediaParts(req: MediaRequest, ctx: MediaContext, pathPrefix = ''): Promise<ResolvedMediaParts> {
  const media = new Map<Part, MessagePart[]>();
  const paths: string[] = [];
  const located: Array<[Part, string]> = [];
  const collect = (content: Content | undefined, at: string) =>
    content?.parts?.forEach((part, j) => (part.inlineData || part.fileData) && located.push([part, `${at}.parts[${j}]`]));
  collect(req.systemInstruction, `${pathPrefix}system_instruction`);
  req.contents?.forEach((content, i) => collect(content, `${pathPrefix}contents[${i}]`));

  const budget = { inlineBytes: 0 };
  for (const [part, at] of located) {
    const field = `${at}.${part.inlineData ? 'inline_data' : 'file_data'}`;
    try {
      const { parts, path } = await resolvePart(part, field, req.generationConfig, ctx, budget);
      media.set(part, parts);
      if (!paths.includes(path)) paths.push(path);
    } catch (e) {
      throw toCatalogError(e, field, ctx.modelId);
    }
  }
  return { media, paths };
}

async function resolvePart(
  part: Part, field: string, config: GenerationConfig | undefined, ctx: MediaContext, budget: { inlineBytes: number },
): Promise<{ parts: MessagePart[]; path: string }> {
  const { data, declared } = await fetchData(part, ctx);
  if (part.inlineData) {
    budget.inlineBytes += data.length;
    if (budget.inlineBytes > MAX_INLINE_DATA_BYTES) {
      throw new MediaInputError(`inline data in one request exceeds the ${MAX_INLINE_DATA_BYTES} bytes Gemini takes inline (MAX_INLINE_DATA_BYTES); upload large media with the Files API`);
    }
  }
  const checked: CheckedMedia = checkMediaType(declared, data);
  if (part.inlineData && checked.kind === 'pdf' && data.length > MAX_INLINE_PDF_BYTES) {
    throw new MediaInputError(`an inline PDF may be at most ${MAX_INLINE_PDF_BYTES} bytes (MAX_INLINE_PDF_BYTES); this one is ${data.length}`);
  }
  const level: MediaResolutionLevel | undefined = chooseMediaResolution(part.mediaResolution?.level, config?.mediaResolution);
  const job: MediaJob = {
    field, data, checked, level, part,
    modelId: ctx.modelId,
    sees: ctx.capabilities.inputModalities?.includes('IMAGE') ?? false,
    hears: ctx.capabilities.inputModalities?.includes('AUDIO') ?? false,
    tools: ctx.tools ?? DEFAULT_MEDIA_TOOLS,
    signal: ctx.signal,
  };
  switch (checked.kind) {
    case 'image': return resolveImage(job);
    case 'audio': return resolveAudio(job);
    case 'video': return resolveVideo(job);
    case 'pdf': return resolveDocument(job);
    case 'text': return resolveText(job);
  }
}

async function fetchData(part: Part, ctx: MediaContext): Promise<{ data: Uint8Array; declared: string | undefined }> {
  if (part.inlineData) {
    let data: Uint8Array;
    try {
      data = decodeInlineData(part.inlineData.data ?? '');
    } catch (e) {
      // Google's text names the bytes field itself: `Invalid value at '...inline_data.data' (TYPE_BYTES), Base64 decoding failed for "..."`.
      throw new MediaInputError(`data: Invalid value (TYPE_BYTES), ${(e as Error).message}`);
    }
    return { data, declared: part.inlineData.mimeType };
  }
  const uri = part.fileData?.fileUri ?? '';
  if (!ctx.resolveFileData) throw Errors.fileNotFound(uri.replace(/^.*files\//, ''));
  const file = await ctx.resolveFileData(uri);
  // The part's own mimeType wins over the one recorded at upload (the SDK sends the File's anyway).
  return { data: file.data, declared: part.fileData?.mimeType || file.mimeType };
}

/** Media helpers' errors → the catalog's, with the part's path in front. */
function toCatalogError(e: unknown, field: string, modelId: string): unknown {
  if (isGemserveError(e)) return e;
  if (e instanceof MediaInputError) {
    // A reason that names a sub-field (`data: ...`, `video_metadata.fps: ...`) extends the path.
    const sub = /^([a-z_.]+): (.*)$/s.exec(e.message);
    return sub && /^(data|video_metadata\.[a-z_]+)$/.test(sub[1])
      ? Errors.invalidMedia(`${sub[1].startsWith('video_metadata') ? field.replace(/\.(inline|file)_data$/, '') : field}.${sub[1]}`, sub[2])
      : Errors.invalidMedia(field, e.message);
  }
  if (e instanceof MediaToolMissingError) {
    return Errors.mediaToolMissing(field, `${e.purpose} for models/${modelId}`, e.tool, e.packages);
  }
  return Errors.internal(e);
}
