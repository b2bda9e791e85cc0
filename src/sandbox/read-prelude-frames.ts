import { FRAME_FIGURE, FRAME_NOTE, FRAME_STARTED } from './sandbox-prelude.js';
import { MAX_FIGURE_BYTES, MAX_FIGURES } from './sandbox-limits.js';

/** Notes kept: the program could forge endless ones. */
const MAX_NOTES = 20;

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What the prelude sent back over fd 3. */
export interface PreludeFrames {
  /** The prelude ran: without this, the sandbox itself failed to start. */
  started: boolean;
  figures: Array<{ mimeType: 'image/png'; data: Uint8Array }>;
  /** Lines for the end of the output (figures not returned, and why). */
  notes: string[];
}

/**
 * Parses the figure channel: frames of one kind byte, a big-endian u32 length and the payload.
 * The program can write to the channel too, so nothing is trusted: figures must be PNGs, within
 * MAX_FIGURES and MAX_FIGURE_BYTES; a malformed or truncated frame ends the parse.
 */
export function readPreludeFrames(bytes: Uint8Array): PreludeFrames {
  const out: PreludeFrames = { started: false, figures: [], notes: [] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const note = (text: string) => {
    if (out.notes.length < MAX_NOTES) out.notes.push(text);
  };
  let at = 0;
  while (at + 5 <= bytes.length) {
    const kind = bytes[at];
    const length = view.getUint32(at + 1);
    const end = at + 5 + length;
    if (end > bytes.length) break;
    const payload = bytes.subarray(at + 5, end);
    at = end;
    if (kind === FRAME_STARTED) out.started = true;
    else if (kind === FRAME_NOTE) note(Buffer.from(payload).toString('utf8').slice(0, 1000));
    else if (kind === FRAME_FIGURE) {
      if (!PNG_MAGIC.every((b, i) => payload[i] === b)) note('A figure was not returned: it is not a PNG.');
      else if (payload.length > MAX_FIGURE_BYTES) note(`A figure was not returned: its PNG is larger than ${MAX_FIGURE_BYTES} bytes.`);
      else if (out.figures.length >= MAX_FIGURES) note(`A figure was not returned: only ${MAX_FIGURES} figures are returned per run.`);
      else out.figures.push({ mimeType: 'image/png', data: new Uint8Array(payload) });
    } else break;
  }
  return out;
}
