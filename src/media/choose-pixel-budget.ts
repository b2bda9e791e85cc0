import { PIXELS_PER_TOKEN, TOKEN_BUDGETS, type MediaResolutionLevel, type VisualInput } from './media-limits.js';

/**
 * `MEDIA_RESOLUTION_HIGH` → `HIGH`; the per-part level wins over the global one (media-resolution
 * docs: per-part "overrides any global configuration"); unknown or UNSPECIFIED values mean "not set".
 */
export function chooseMediaResolution(partLevel: string | undefined, globalLevel: string | undefined): MediaResolutionLevel | undefined {
  return levelOf(partLevel) ?? levelOf(globalLevel);
}

function levelOf(v: string | undefined): MediaResolutionLevel | undefined {
  const level = v?.toUpperCase().replace(/^MEDIA_RESOLUTION_/, '');
  return level === 'LOW' || level === 'MEDIUM' || level === 'HIGH' || level === 'ULTRA_HIGH' ? level : undefined;
}

/**
 * Most pixels one image, frame or page is prepared with: Gemini's token budget for it at that
 * level (TOKEN_BUDGETS), turned into pixels at Gemini's own tile ratio (PIXELS_PER_TOKEN).
 * E.g. an image at the default (HIGH, 1120 tokens) gets up to ~2.56 MP (1600 x 1600), a video
 * frame at the default (70 tokens) ~160 kP (400 x 400).
 */
export function choosePixelBudget(input: VisualInput, level: MediaResolutionLevel | undefined): number {
  const budgets = TOKEN_BUDGETS[input];
  return Math.round((level ? budgets[level] : budgets.default) * PIXELS_PER_TOKEN);
}

/**
 * The size to scale `width` x `height` to so that it fits `maxPixels` and `maxSide`, keeping the
 * aspect ratio; never enlarged. Both results are at least 1.
 */
export function fitWithin(width: number, height: number, maxPixels: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, Math.sqrt(maxPixels / (width * height)), maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}
