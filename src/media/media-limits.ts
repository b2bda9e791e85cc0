/**
 * The limits of media input: Google's documented ones (each cites where), and gemserve's own
 * safety bounds for decoding untrusted files on a local machine (each says why).
 */

const MB = 1000 * 1000;

/**
 * Largest inline (`inlineData`) payload, decoded. Google raised it from 20 MB to 100 MB in January
 * 2026 ("Input method comparison", ai.google.dev/gemini-api/docs/file-input-methods). gemserve
 * follows the current number: the older 20 MB would refuse requests Google takes.
 */
export const MAX_INLINE_DATA_BYTES = 100 * MB;

/** Inline PDFs are limited to 50 MB (same page: "PDFs are limited to 50MB for this method"). */
export const MAX_INLINE_PDF_BYTES = 50 * MB;

/**
 * Images are "scaled down and padded to fit a maximum resolution of 3072 x 3072 while preserving
 * their original aspect ratio" (firebase.google.com/docs/ai-logic/input-file-requirements, Images).
 * No prepared image is ever larger on either side.
 */
export const MAX_IMAGE_SIDE = 3072;

/**
 * Most pixels gemserve decodes from one image (8192 x 8192 = 67 MP: beyond any camera's output
 * but far below sharp's default of 16383 x 16383, whose RGBA buffer alone is 1 GiB). Google sets
 * no pixel limit; this one makes a decompression bomb (a tiny PNG declaring 50000 x 50000) a 400
 * before anything is allocated, instead of an out-of-memory server.
 */
export const MAX_IMAGE_INPUT_PIXELS = 8192 * 8192;

/**
 * Gemini 2.x tokenises an image as 768 x 768 tiles of 258 tokens each (ai.google.dev/gemini-api/
 * docs/tokens, "Multimodal tokens"). gemserve uses that ratio to turn a token budget into a pixel
 * budget: pixels = tokens × 768² / 258 (about 2,286 pixels a token).
 */
export const PIXELS_PER_TOKEN = (768 * 768) / 258;

/** Media resolution levels, per part (`Part.mediaResolution.level`) or global (`generationConfig.mediaResolution`). */
export type MediaResolutionLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'ULTRA_HIGH';

/** What a token budget is spent on: a whole image, one video frame, or one PDF page. */
export type VisualInput = 'image' | 'video-frame' | 'document-page';

/**
 * Gemini 3's token budget per visual input at each `mediaResolution` level, and the default when
 * none is set (ai.google.dev/gemini-api/docs/media-resolution, "Token counts"): images 280 / 560 /
 * 1120 (default HIGH) and 2240 for ULTRA_HIGH (per part only); PDF pages the same, default MEDIUM;
 * video frames 70 at LOW and MEDIUM, 280 at HIGH (default 70).
 */
export const TOKEN_BUDGETS: Record<VisualInput, Record<MediaResolutionLevel, number> & { default: number }> = {
  image: { LOW: 280, MEDIUM: 560, HIGH: 1120, ULTRA_HIGH: 2240, default: 1120 },
  'document-page': { LOW: 280, MEDIUM: 560, HIGH: 1120, ULTRA_HIGH: 2240, default: 560 },
  'video-frame': { LOW: 70, MEDIUM: 70, HIGH: 280, ULTRA_HIGH: 280, default: 70 },
};

/** Gemini samples video at 1 frame per second by default (ai.google.dev/gemini-api/docs/video-understanding). */
export const DEFAULT_VIDEO_FPS = 1;

/** `VideoMetadata.fps` must be in (0.0, 24.0] (google.cloud.aiplatform.v1 content.proto, VideoMetadata.fps). */
export const MAX_VIDEO_FPS = 24;

/**
 * Most frames sampled from one video part: an hour at the default 1 fps, the longest video Gemini
 * takes at the default media resolution (video-understanding docs: "up to 1 hour"). More is a 400
 * asking for a shorter clip (`videoMetadata` offsets) or a lower `fps`, never a silent cut.
 */
export const MAX_VIDEO_FRAMES = 3600;

/** Gemini takes at most 9.5 hours of audio in one prompt (ai.google.dev/gemini-api/docs/audio). */
export const MAX_AUDIO_SECONDS = 9.5 * 3600;

/** Gemini processes documents of up to 1000 pages (ai.google.dev/gemini-api/docs/document-processing). */
export const MAX_DOCUMENT_PAGES = 1000;

/** Sample rate and channels of audio handed to engines (and to the speech recogniser): 16 kHz mono, as Gemini downsamples audio (audio docs). */
export const AUDIO_SAMPLE_RATE = 16_000;

/**
 * Wall-clock bound on one media tool run (ffmpeg, pdftoppm, the recogniser...). A crafted file
 * that would make a decoder spin ends as a 400 instead of tying up the server.
 */
export const TOOL_TIMEOUT_MS = 5 * 60 * 1000;

/** Most bytes read from a tool's stdout or stderr (text extraction, probes, transcripts). */
export const MAX_TOOL_OUTPUT_BYTES = 64 * MB;
