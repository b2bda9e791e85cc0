import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_IMAGE_SIDE, MAX_VIDEO_FRAMES } from './media-limits.js';
import { MediaInputError } from './media-input-error.js';
import type { MediaTools } from './media-tools.js';
import type { VideoClip } from './parse-video-clip.js';
import { fitWithin } from './choose-pixel-budget.js';
import { runTool, type RunToolOptions } from './run-tool.js';

/** One sampled frame: a JPEG and where it sits in the video. */
export interface VideoFrame {
  seconds: number;
  mimeType: 'image/jpeg';
  data: Uint8Array;
}

export interface SampleFramesOptions extends RunToolOptions {
  /** The video stream's size (from probeMedia). */
  width: number;
  height: number;
  /** The video's (or clip's) length in seconds, to refuse too many frames before decoding. */
  durationSeconds?: number;
  /** Most pixels per frame (see choosePixelBudget). */
  maxPixels: number;
  /** Defaults to MAX_VIDEO_FRAMES. */
  maxFrames?: number;
}

/**
 * Samples frames from the first video stream of `input` at `clip.fps` (Gemini's default is 1 fps)
 * between its offsets, each scaled down to the frame pixel budget, as JPEG. More frames than
 * `maxFrames` is a MediaInputError asking for a shorter clip or a lower fps.
 */
export async function sampleVideoFrames(input: string, dir: string, clip: VideoClip, tools: MediaTools, opts: SampleFramesOptions): Promise<VideoFrame[]> {
  const maxFrames = opts.maxFrames ?? MAX_VIDEO_FRAMES;
  const end = clip.endSeconds ?? opts.durationSeconds;
  if (end !== undefined) {
    const expected = Math.ceil((end - clip.startSeconds) * clip.fps);
    if (expected > maxFrames) {
      throw new MediaInputError(
        `the video would be ${expected} frames at ${clip.fps} fps, more than the ${maxFrames} gemserve samples from one video (MAX_VIDEO_FRAMES); ` +
          'send a shorter clip (video_metadata.start_offset/end_offset) or a lower video_metadata.fps',
      );
    }
  }
  const size = fitWithin(opts.width, opts.height, opts.maxPixels, MAX_IMAGE_SIDE);
  // Even sizes: ffmpeg's 4:2:0 chroma subsampling needs them.
  const even = (n: number) => Math.max(2, n - (n % 2));
  await runTool(tools.ffmpeg, [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    ...(clip.startSeconds > 0 ? ['-ss', String(clip.startSeconds)] : []),
    '-i', input,
    ...(clip.endSeconds !== undefined ? ['-t', String(clip.endSeconds - clip.startSeconds)] : []),
    '-map', '0:v:0', '-an',
    '-vf', `fps=${clip.fps},scale=${even(size.width)}:${even(size.height)}`,
    '-frames:v', String(maxFrames), '-q:v', '3', '-f', 'image2', '-y', join(dir, 'frame-%06d.jpg'),
  ], opts);
  const files = (await readdir(dir)).filter((f) => /^frame-\d+\.jpg$/.test(f)).sort();
  return Promise.all(files.map(async (f, i) => ({
    seconds: clip.startSeconds + i / clip.fps,
    mimeType: 'image/jpeg' as const,
    data: new Uint8Array(await readFile(join(dir, f))),
  })));
}
