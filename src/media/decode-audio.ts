import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIO_SAMPLE_RATE } from './media-limits.js';
import type { MediaTools } from './media-tools.js';
import { runTool, type RunToolOptions } from './run-tool.js';

/** A span of the input, in seconds (the whole file when absent). */
export interface TimeSpan {
  startSeconds: number;
  endSeconds?: number;
}

/**
 * Decodes the first audio stream of `input` (any format ffmpeg reads) into a 16 kHz mono 16-bit
 * PCM WAV in `dir`, optionally only `span` of it; returns its path. That is the format engines
 * that hear take and the recogniser needs, and what Gemini itself downsamples audio to.
 */
export async function decodeAudio(input: string, dir: string, tools: MediaTools, span: TimeSpan | undefined, opts: RunToolOptions): Promise<string> {
  const out = join(dir, 'audio-16k.wav');
  await runTool(tools.ffmpeg, [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    ...(span && span.startSeconds > 0 ? ['-ss', String(span.startSeconds)] : []),
    '-i', input,
    ...(span?.endSeconds !== undefined ? ['-t', String(span.endSeconds - span.startSeconds)] : []),
    '-map', '0:a:0', '-vn', '-ac', '1', '-ar', String(AUDIO_SAMPLE_RATE), '-c:a', 'pcm_s16le', '-f', 'wav', '-y', out,
  ], opts);
  return out;
}

/** The decoded WAV's bytes. */
export async function readDecodedAudio(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}
