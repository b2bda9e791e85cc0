import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hearAudioTrack } from './hear-audio-track.js';
import { MAX_AUDIO_SECONDS } from './media-limits.js';
import { MediaInputError } from './media-input-error.js';
import type { MediaJob, MediaResult } from './media-job.js';
import { probeMedia } from './probe-media.js';
import { withTempDir } from './with-temp-dir.js';

/**
 * An audio file → one AUDIO part: native audio (16 kHz mono WAV) for an engine that hears, else
 * a transcript from the local recogniser (`audio=native` / `audio=transcript`). No recogniser
 * installed is a 400 saying so, never a silent omission.
 */
export async function resolveAudio(job: MediaJob): Promise<MediaResult> {
  return withTempDir(async (dir) => {
    const input = join(dir, 'input');
    await writeFile(input, job.data);
    const probe = await probeMedia(input, job.tools, { signal: job.signal, what: 'the audio' });
    if (!probe.hasAudio) throw new MediaInputError(`declared ${job.checked.mimeType} but the data has no audio stream`);
    if ((probe.durationSeconds ?? 0) > MAX_AUDIO_SECONDS) {
      throw new MediaInputError(`the audio is ${Math.round(probe.durationSeconds ?? 0)} s long, more than the ${MAX_AUDIO_SECONDS} s Gemini takes (MAX_AUDIO_SECONDS)`);
    }
    const { part, via } = await hearAudioTrack(job, input, dir, undefined, 'the audio');
    return { parts: [part], path: via === 'audio' ? 'audio=native' : 'audio=transcript' };
  });
}
