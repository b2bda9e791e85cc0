import type { VideoMetadata } from '../api/gemini/types.js';
import { DEFAULT_VIDEO_FPS, MAX_VIDEO_FPS } from './media-limits.js';
import { MediaInputError } from './media-input-error.js';

/** Which part of a video to sample, and how often. Seconds. */
export interface VideoClip {
  startSeconds: number;
  /** Undefined: to the end. */
  endSeconds?: number;
  fps: number;
}

/** A proto3 JSON Duration: seconds with up to 9 fractional digits and an `s` (protobuf.dev, Duration). */
const DURATION = /^(\d+)(\.\d{1,9})?s$/;

/**
 * `videoMetadata` → a clip, checked: offsets are Durations (`"1.5s"`), the start before the end,
 * `fps` in (0, 24] (MAX_VIDEO_FPS). Problems throw MediaInputError naming the field (relative to
 * the part, e.g. `video_metadata.fps: ...`).
 */
export function parseVideoClip(meta: VideoMetadata | undefined): VideoClip {
  const startSeconds = parseDuration(meta?.startOffset, 'start_offset') ?? 0;
  const endSeconds = parseDuration(meta?.endOffset, 'end_offset');
  const fps = meta?.fps ?? DEFAULT_VIDEO_FPS;
  if (!(fps > 0 && fps <= MAX_VIDEO_FPS)) {
    throw new MediaInputError(`video_metadata.fps: fps must be in the range (0.0, ${MAX_VIDEO_FPS.toFixed(1)}], got ${fps}`);
  }
  if (endSeconds !== undefined && endSeconds <= startSeconds) {
    throw new MediaInputError(`video_metadata.end_offset: end_offset (${endSeconds}s) must be after start_offset (${startSeconds}s)`);
  }
  return { startSeconds, ...(endSeconds !== undefined ? { endSeconds } : {}), fps };
}

function parseDuration(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const m = DURATION.exec(value.trim());
  if (!m) {
    throw new MediaInputError(`video_metadata.${field}: Invalid value (type.googleapis.com/google.protobuf.Duration), ${JSON.stringify(value)}`);
  }
  return Number(m[1]) + (m[2] ? Number(m[2]) : 0);
}

/** `75.4` → `01:15`, the MM:SS form Gemini's video docs use for timestamps (HH:MM:SS past an hour). */
export function formatTimestamp(seconds: number): string {
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  const hms = s >= 3600 ? [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60] : [Math.floor(s / 60), s % 60];
  return hms.map(two).join(':');
}
