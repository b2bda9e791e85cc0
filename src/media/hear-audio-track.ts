import type { MessagePart } from '../core/engine.js';
import { decodeAudio, readDecodedAudio, type TimeSpan } from './decode-audio.js';
import { TRANSCRIPT_LABEL, type MediaJob } from './media-job.js';
import { transcribeAudio } from './transcribe-audio.js';

/**
 * The audio of `input` (an audio file or a video's sound track) for the engine, counted as AUDIO:
 * a 16 kHz mono WAV part when the engine hears, else the local recogniser's transcript as text.
 * Returns the part and which of the two it is.
 */
export async function hearAudioTrack(
  job: MediaJob, input: string, dir: string, span: TimeSpan | undefined, what: string,
): Promise<{ part: MessagePart; via: 'audio' | 'transcript' }> {
  const opts = { signal: job.signal, what };
  const wav = await decodeAudio(input, dir, job.tools, span, opts);
  if (job.hears) {
    return { part: { type: 'audio', mimeType: 'audio/wav', data: await readDecodedAudio(wav), source: 'AUDIO' }, via: 'audio' };
  }
  const words = await transcribeAudio(wav, job.tools, opts);
  return { part: { type: 'text', text: `${TRANSCRIPT_LABEL} ${words || '(no speech recognised)'}`, source: 'AUDIO' }, via: 'transcript' };
}
