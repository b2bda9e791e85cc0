import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_DOCUMENT_PAGES, MAX_IMAGE_SIDE } from './media-limits.js';
import { MediaInputError } from './media-input-error.js';
import type { MediaTools } from './media-tools.js';
import { runTool, type RunToolOptions } from './run-tool.js';

/** What pdfinfo says about a PDF. */
export interface PdfInfo {
  pages: number;
  /** The first page's size in points (1/72 inch). */
  pageWidth: number;
  pageHeight: number;
}

/**
 * Reads a PDF's page count and page size with poppler's pdfinfo. A broken or password-protected
 * PDF, or one with more than MAX_DOCUMENT_PAGES pages, is a MediaInputError.
 */
export async function readPdfInfo(file: string, tools: MediaTools, opts: RunToolOptions): Promise<PdfInfo> {
  const out = (await runTool(tools.pdfinfo, [file], opts)).toString('utf8');
  const pages = Number(/^Pages:\s+(\d+)/m.exec(out)?.[1] ?? NaN);
  if (!Number.isInteger(pages) || pages < 1) throw new MediaInputError('the PDF has no pages');
  if (pages > MAX_DOCUMENT_PAGES) {
    throw new MediaInputError(`the PDF has ${pages} pages, more than the ${MAX_DOCUMENT_PAGES} Gemini processes (MAX_DOCUMENT_PAGES)`);
  }
  const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(out);
  return { pages, pageWidth: Number(size?.[1] ?? 612), pageHeight: Number(size?.[2] ?? 792) };
}

/** Each page's text, in reading order (poppler's pdftotext, UTF-8; pages end with a form feed). */
export async function extractPdfText(file: string, info: PdfInfo, tools: MediaTools, opts: RunToolOptions): Promise<string[]> {
  const out = await runTool(tools.pdftotext, ['-enc', 'UTF-8', '-f', '1', '-l', String(info.pages), file, '-'], opts);
  const pages = out.toString('utf8').split('\f').slice(0, info.pages);
  while (pages.length < info.pages) pages.push('');
  return pages.map((p) => p.trim());
}

/**
 * Renders every page as a PNG sized to the page pixel budget: scaled down past it and up below
 * it, as Gemini does ("larger pages are scaled down to a maximum resolution of 3072x3072 ...
 * smaller pages are scaled up", ai.google.dev/gemini-api/docs/document-processing).
 */
export async function renderPdfPages(file: string, dir: string, info: PdfInfo, maxPixels: number, tools: MediaTools, opts: RunToolOptions): Promise<Uint8Array[]> {
  const { pageWidth: w, pageHeight: h } = info;
  const scale = Math.min(Math.sqrt(maxPixels / (w * h)), MAX_IMAGE_SIDE / Math.max(w, h));
  let longest = Math.max(1, Math.floor(Math.max(w, h) * scale));
  // pdftoppm rounds the shorter side up: step down until the page really fits the budget.
  while (longest > 1 && longest * Math.ceil((longest * Math.min(w, h)) / Math.max(w, h)) > maxPixels) longest--;
  await runTool(tools.pdftoppm, ['-png', '-scale-to', String(longest), '-f', '1', '-l', String(info.pages), file, join(dir, 'page')], opts);
  // pdftoppm pads page numbers to the width of the last one: page-1.png or page-01.png, ...
  const files = (await readdir(dir)).filter((f) => /^page-\d+\.png$/.test(f));
  files.sort((a, b) => Number(a.slice(5, -4)) - Number(b.slice(5, -4)));
  return Promise.all(files.map(async (f) => new Uint8Array(await readFile(join(dir, f)))));
}
