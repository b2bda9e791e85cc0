import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessagePart } from '../core/engine.js';
import { choosePixelBudget } from './choose-pixel-budget.js';
import { extractPdfText, readPdfInfo, renderPdfPages } from './extract-pdf.js';
import type { MediaJob, MediaResult } from './media-job.js';
import { withTempDir } from './with-temp-dir.js';

/**
 * A PDF → per page, its text (poppler's pdftotext) headed `[page N]`, and for an engine that
 * sees, the page rendered as an image first (pdftoppm), all counted as DOCUMENT. Gemini's
 * document understanding does the same: it "uses native vision" on pages and reads their text
 * (ai.google.dev/gemini-api/docs/document-processing). Text-only engines get the text alone.
 * Path reported: `document=text` or `document=pages+text`.
 */
export async function resolveDocument(job: MediaJob): Promise<MediaResult> {
  return withTempDir(async (dir) => {
    const input = join(dir, 'input.pdf');
    await writeFile(input, job.data);
    const opts = { signal: job.signal, what: 'the PDF' };
    const info = await readPdfInfo(input, job.tools, opts);
    const texts = await extractPdfText(input, info, job.tools, opts);
    const images = job.sees
      ? await renderPdfPages(input, dir, info, choosePixelBudget('document-page', job.level), job.tools, opts)
      : [];
    const parts: MessagePart[] = texts.flatMap((text, i): MessagePart[] => [
      ...(images[i] ? [{ type: 'image', mimeType: 'image/png', data: images[i], source: 'DOCUMENT' } as const] : []),
      { type: 'text', text: `[page ${i + 1}]${text ? `\n${text}` : ''}`, source: 'DOCUMENT' },
    ]);
    return { parts, path: job.sees ? 'document=pages+text' : 'document=text' };
  });
}
