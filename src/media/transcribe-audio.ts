import type { MediaTools } from './media-tools.js';
import { runTool, type RunToolOptions } from './run-tool.js';

/**
 * Transcribes a 16 kHz mono WAV with the local speech recogniser: CMU PocketSphinx
 * (`pocketsphinx_continuous`, Debian's `pocketsphinx` with the `pocketsphinx-en-us` acoustic and
 * language model, the recogniser Debian ships with a model). US English only, and far below
 * Gemini's own hearing: it is the honest fallback for engines that do not hear, not a peer.
 *
 * Returns the recognised words, utterances joined by spaces; '' when nothing was recognised.
 */
export async function transcribeAudio(wavPath: string, tools: MediaTools, opts: RunToolOptions): Promise<string> {
  const out = await runTool(tools.recogniser, ['-infile', wavPath, '-logfn', '/dev/null'], opts);
  return out.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}
