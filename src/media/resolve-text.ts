import { MediaInputError } from './media-input-error.js';
import type { MediaJob, MediaResult } from './media-job.js';

/**
 * A text document (text/plain, text/html, text/csv, text/markdown, application/json, ...) → one
 * text part. Gemini reads these "as normal text" (ai.google.dev/gemini-api/docs/document-
 * processing), so they count as TEXT, not DOCUMENT. Must be UTF-8; a BOM is dropped.
 */
export async function resolveText(job: MediaJob): Promise<MediaResult> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(job.data);
  } catch {
    throw new MediaInputError(`declared ${job.checked.mimeType} but the data is not UTF-8 text`);
  }
  return { parts: [{ type: 'text', text }], path: 'document=text' };
}
