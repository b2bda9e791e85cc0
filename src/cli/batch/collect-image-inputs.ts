/**
 * The images of a folder as batch inputs: one request each, the image inline (`inlineData`,
 * base64) followed by the prompt, the order Google recommends for a single image ("place your
 * text prompt after the image", ai.google.dev/gemini-api/docs/image-understanding).
 *
 * A file is an image by its bytes (magic numbers): a photo without an extension is still sent,
 * and `cat.jpg` holding HTML is refused with the reason rather than sent to fail remotely.
 * Files that are neither named nor shaped like an image (notes.txt, .DS_Store) are skipped;
 * sub-folders are not descended into. Order: by name, numbers compared as numbers (img2
 * before img10), so results follow the order a file manager shows.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { MAX_INLINE_DATA_BYTES } from '../../media/media-limits.js';
import { sniffMimeType, type SniffedFormat } from '../../media/sniff-mime-type.js';
import { formatBytes } from '../pull/format-units.js';
import { withMaxOutputTokens, type BatchInput, type CollectedInputs } from './batch-input.js';

/** The extensions taken for images (Gemini's image types, plus GIF, which gemserve decodes). */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.heic', '.heif', '.gif'] as const;

const IMAGE_FORMATS: ReadonlySet<SniffedFormat> = new Set(['jpeg', 'png', 'webp', 'heif', 'gif']);

/** ISO BMFF brands sit in the first box; 256 bytes covers any `ftyp` a camera writes. */
const SNIFF_BYTES = 256;

const byName = new Intl.Collator('en', { numeric: true }).compare;

/** Options of {@link collectImageInputs}. */
export interface ImageInputOptions {
  prompt: string;
  maxOutputTokens?: number;
  /** Largest file sent inline; the default is Google's inline limit (media-limits.ts). */
  maxInlineBytes?: number;
}

/** The images of `dir`, sorted by name. */
export async function collectImageInputs(dir: string, opts: ImageInputOptions): Promise<CollectedInputs> {
  const maxInlineBytes = opts.maxInlineBytes ?? MAX_INLINE_DATA_BYTES;
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort(byName);
  const inputs: BatchInput[] = [];
  const skipped: string[] = [];
  for (const name of entries) {
    const path = join(dir, name);
    const ext = extname(name).toLowerCase();
    const namedImage = (IMAGE_EXTENSIONS as readonly string[]).includes(ext);
    const sniffed = sniffMimeType(await readHead(path));
    const isImage = sniffed !== undefined && IMAGE_FORMATS.has(sniffed.format);
    if (!isImage && !namedImage) {
      skipped.push(name);
      continue;
    }
    const base = { key: name, file: name, prompt: opts.prompt };
    const size = (await stat(path)).size;
    let refused: string | undefined;
    if (!isImage) {
      refused = `not an image: ${name} holds ${sniffed?.label ?? (size === 0 ? 'nothing (0 bytes)' : 'no format gemserve recognises')}`;
    } else if (size > maxInlineBytes) {
      refused = `${formatBytes(size)} is over the ${formatBytes(maxInlineBytes)} limit of inline data; upload it with the Files API instead`;
    }
    if (refused || !sniffed) {
      const why = refused ?? 'not an image';
      inputs.push({ ...base, refused: why, load: () => Promise.reject(new Error(why)) });
      continue;
    }
    // HEIC and HEIF share one container; the extension says which name the file goes by.
    const mimeType = sniffed.format === 'heif' && ext === '.heic' ? 'image/heic' : sniffed.mimeType;
    inputs.push({
      ...base,
      load: async () => withMaxOutputTokens({
        contents: [{ role: 'user', parts: [{ inlineData: { mimeType, data: (await readFile(path)).toString('base64') } }, { text: opts.prompt }] }],
      }, opts.maxOutputTokens),
    });
  }
  return { inputs, skipped };
}

async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
