import { runTool, type RunToolOptions } from './run-tool.js';
import type { MediaTools } from './media-tools.js';

/** What ffprobe sees in a media file. */
export interface MediaProbe {
  /** Seconds, when the container says. */
  durationSeconds?: number;
  /** The first real video stream (cover art in audio files does not count). */
  video?: { width: number; height: number };
  hasAudio: boolean;
}

interface FfprobeJson {
  format?: { duration?: string };
  streams?: Array<{ codec_type?: string; width?: number; height?: number; duration?: string; disposition?: { attached_pic?: number } }>;
}

/**
 * Probes a media file with ffprobe. A file ffprobe cannot parse is a MediaInputError (the data
 * is not the audio or video it claims to be, or is truncated).
 */
export async function probeMedia(file: string, tools: MediaTools, opts: RunToolOptions): Promise<MediaProbe> {
  const out = await runTool(tools.ffprobe, [
    '-v', 'error', '-print_format', 'json',
    '-show_entries', 'format=duration:stream=codec_type,width,height,duration:stream_disposition=attached_pic',
    file,
  ], opts);
  const json = JSON.parse(out.toString('utf8')) as FfprobeJson;
  const streams = json.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic && (s.width ?? 0) > 0);
  const duration = Number(json.format?.duration ?? streams.find((s) => s.duration)?.duration);
  return {
    ...(Number.isFinite(duration) && duration > 0 ? { durationSeconds: duration } : {}),
    ...(v ? { video: { width: v.width ?? 0, height: v.height ?? 0 } } : {}),
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
  };
}
