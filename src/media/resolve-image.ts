import { Errors } from '../core/errors.js';
import { choosePixelBudget } from './choose-pixel-budget.js';
import type { MediaJob, MediaResult } from './media-job.js';
import { prepareImage } from './prepare-image.js';

/**
 * An image → one image part, prepared (see prepareImage) at its media resolution's pixel budget.
 * An engine that does not see is refused (400), never given the image's absence.
 */
export async function resolveImage(job: MediaJob): Promise<MediaResult> {
  if (!job.sees) {
    throw Errors.capabilityUnsupported(job.modelId, `Image input (${job.field}, ${job.checked.mimeType})`);
  }
  const image = await prepareImage(job.data, { maxPixels: choosePixelBudget('image', job.level), tools: job.tools, signal: job.signal });
  return {
    parts: [{ type: 'image', mimeType: image.mimeType, data: image.data }],
    path: image.firstFrameOnly ? 'image=pixels(first-frame)' : 'image=pixels',
  };
}
