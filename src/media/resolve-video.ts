import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessagePart } from '../core/engine.js';
import { Errors } from '../core/errors.js';
import { choosePixelBudget } from './choose-pixel-budget.js';
import { hearAudioTrack } from './hear-audio-track.js';
import { MediaInputError } from './media-input-error.js';
import type { MediaJob, MediaResult } from './media-job.js';
import { formatTimestamp, parseVideoClip } from './parse-video-clip.js';
import { probeMedia } from './probe-media.js';
import { sampleVideoFrames } from './sample-video-frames.js';
import { withTempDir } from './with-temp-dir.js';

/**
 * A video → its frames, sampled at `videoMetadata.fps` (default 1) between its offsets, each an
 * image part counted as VIDEO and preceded by its MM:SS timestamp (the form Gemini's video docs
 * use); then its sound track as AUDIO (native or transcript, as for audio files).
 *
 * Frames need vision: an engine that does not see is refused (400), because a model answering
 * from the sound track alone would pretend it watched a video it never saw. Path reported:
 * `video=frames`, `video=frames+audio` or `video=frames+transcript`.
 */
export async function resolveVideo(job: MediaJob): Promise<MediaResult> {
  if (!job.sees) {
    throw Errors.capabilityUnsupported(
      job.modelId, `Video input (${job.field}, ${job.checked.mimeType}: its frames need an engine that sees images)`,
    );
  }
  const clip = parseVideoClip(job.part.videoMetadata);
  return withTempDir(async (dir) => {
    const input = join(dir, 'input');
    await writeFile(input, job.data);
    const opts = { signal: job.signal, what: 'the video' };
    const probe = await probeMedia(input, job.tools, opts);
    if (!probe.video) throw new MediaInputError(`declared ${job.checked.mimeType} but the data has no video stream`);
    if (probe.durationSeconds !== undefined && clip.startSeconds >= probe.durationSeconds) {
      throw new MediaInputError(`video_metadata.start_offset: ${clip.startSeconds}s is past the end of the video (${probe.durationSeconds.toFixed(1)}s)`);
    }
    const end = Math.min(clip.endSeconds ?? Infinity, probe.durationSeconds ?? Infinity);
    const frames = await sampleVideoFrames(input, dir, clip, job.tools, {
      ...opts,
      width: probe.video.width,
      height: probe.video.height,
      ...(Number.isFinite(end) ? { durationSeconds: end } : {}),
      maxPixels: choosePixelBudget('video-frame', job.level),
    });
    if (frames.length === 0) throw new MediaInputError('no frame could be decoded from the video');
    const parts: MessagePart[] = frames.flatMap((f): MessagePart[] => [
      { type: 'text', text: formatTimestamp(f.seconds), source: 'VIDEO' },
      { type: 'image', mimeType: f.mimeType, data: f.data, source: 'VIDEO' },
    ]);
    if (!probe.hasAudio) return { parts, path: 'video=frames' };
    const span = { startSeconds: clip.startSeconds, ...(Number.isFinite(end) ? { endSeconds: end } : {}) };
    const { part, via } = await hearAudioTrack(job, input, dir, span, "the video's sound track");
    return { parts: [...parts, part], path: via === 'audio' ? 'video=frames+audio' : 'video=frames+transcript' };
  });
}
