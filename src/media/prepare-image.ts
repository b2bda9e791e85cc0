import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { MAX_IMAGE_INPUT_PIXELS, MAX_IMAGE_SIDE } from './media-limits.js';
import { MediaInputError, MediaToolMissingError } from './media-input-error.js';
import { DEFAULT_MEDIA_TOOLS, type MediaTools } from './media-tools.js';
import { fitWithin } from './choose-pixel-budget.js';
import { runTool } from './run-tool.js';
import { withTempDir } from './with-temp-dir.js';

// A server decodes each image once: libvips' operation cache would only hold memory.
sharp.cache(false);

/** An image ready for an engine's projector. */
export interface PreparedImage {
  mimeType: 'image/png' | 'image/jpeg';
  data: Uint8Array;
  width: number;
  height: number;
  /** The input was animated (GIF, WebP) and only its first frame was kept. */
  firstFrameOnly: boolean;
  /** The input was HEIC/HEIF decoded by libheif's heif-convert (sharp's libvips lacks HEVC). */
  decodedBy: 'sharp' | 'heif-convert';
}

export interface PrepareImageOptions {
  /** Most pixels of the output (see choosePixelBudget). */
  maxPixels: number;
  /** Longest side of the output; defaults to MAX_IMAGE_SIDE. */
  maxSide?: number;
  /** Most pixels decoded from the input; defaults to MAX_IMAGE_INPUT_PIXELS. */
  inputPixelLimit?: number;
  tools?: MediaTools;
  signal?: AbortSignal;
}

/**
 * Decodes an image (JPEG, PNG, WebP, GIF, HEIC/HEIF) and prepares it as Gemini does before its
 * vision encoder sees it:
 * - EXIF orientation applied (a phone photo taken upright arrives upright);
 * - animated GIF/WebP: the first frame only (reported in `firstFrameOnly`);
 * - scaled down, aspect kept, to the pixel budget of its media resolution and never past
 *   3072 px a side (MAX_IMAGE_SIDE); never scaled up;
 * - transparency composited onto white (projectors read RGB and would otherwise see whatever
 *   colour the transparent pixels happen to hold, often black), sRGB, metadata stripped;
 * - re-encoded as JPEG when it came as JPEG, else PNG: the formats every engine decodes.
 *
 * A decompression bomb (more than `inputPixelLimit` pixels declared in the header) is refused
 * from the header alone, before any pixel buffer is allocated. Bad data throws MediaInputError.
 */
export async function prepareImage(data: Uint8Array, opts: PrepareImageOptions): Promise<PreparedImage> {
  const inputPixelLimit = opts.inputPixelLimit ?? MAX_IMAGE_INPUT_PIXELS;
  const meta = await readMetadata(data);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > inputPixelLimit) {
    throw new MediaInputError(
      `the image is ${width} x ${height} pixels, more than the ${inputPixelLimit} pixels gemserve decodes (MAX_IMAGE_INPUT_PIXELS)`,
    );
  }
  const firstFrameOnly = (meta.pages ?? 1) > 1;
  const outFormat = meta.format === 'jpeg' ? 'jpeg' : 'png';
  try {
    return { ...(await encode(data, true, outFormat, inputPixelLimit, opts)), firstFrameOnly, decodedBy: 'sharp' };
  } catch (e) {
    if (meta.format !== 'heif') throw undecodable(e);
    // sharp's prebuilt libvips decodes AVIF but not HEVC-coded HEIC (its libheif has no libde265).
    // libheif applies the HEIF rotation and mirror itself, so no EXIF orientation after it.
    const png = await heifToPng(data, opts);
    try {
      return { ...(await encode(png, false, 'png', inputPixelLimit, opts)), firstFrameOnly, decodedBy: 'heif-convert' };
    } catch (e2) {
      throw undecodable(e2);
    }
  }
}

async function readMetadata(data: Uint8Array): Promise<Metadata> {
  try {
    // Metadata comes from the header; no pixels are decoded, so no pixel limit is needed here.
    return await sharp(data, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw undecodable(e);
  }
}

async function encode(
  data: Uint8Array, autoOrient: boolean, format: 'jpeg' | 'png', inputPixelLimit: number, opts: PrepareImageOptions,
): Promise<Omit<PreparedImage, 'firstFrameOnly' | 'decodedBy'>> {
  const image = sharp(data, { limitInputPixels: inputPixelLimit, failOn: 'error', autoOrient });
  const meta = await image.metadata();
  const w = autoOrient ? meta.autoOrient.width : (meta.width ?? 1);
  const h = autoOrient ? meta.autoOrient.height : (meta.height ?? 1);
  const target = fitWithin(w, h, opts.maxPixels, opts.maxSide ?? MAX_IMAGE_SIDE);
  if (target.width !== w || target.height !== h) image.resize(target.width, target.height, { fit: 'fill' });
  image.flatten({ background: '#ffffff' });
  const { data: out, info } = await (format === 'jpeg' ? image.jpeg({ quality: 90 }) : image.png()).toBuffer({ resolveWithObject: true });
  return { mimeType: format === 'jpeg' ? 'image/jpeg' : 'image/png', data: new Uint8Array(out), width: info.width, height: info.height };
}

async function heifToPng(data: Uint8Array, opts: PrepareImageOptions): Promise<Uint8Array> {
  const tools = opts.tools ?? DEFAULT_MEDIA_TOOLS;
  return withTempDir(async (dir) => {
    await writeFile(join(dir, 'in.heic'), data);
    await runTool(tools.heifConvert, [join(dir, 'in.heic'), join(dir, 'out.png')], { signal: opts.signal, what: 'the image' });
    // A file with several top-level images is written as out-1.png, out-2.png, ...: take the first.
    const written = (await readdir(dir)).filter((f) => f.startsWith('out') && f.endsWith('.png')).sort();
    if (written.length === 0) throw new MediaInputError('the image could not be decoded: heif-convert wrote no image');
    return new Uint8Array(await readFile(join(dir, written[0])));
  });
}

function undecodable(e: unknown): Error {
  if (e instanceof MediaInputError || e instanceof MediaToolMissingError) return e;
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  if (/pixel limit/i.test(message)) {
    return new MediaInputError(`the image has more than the ${MAX_IMAGE_INPUT_PIXELS} pixels gemserve decodes (MAX_IMAGE_INPUT_PIXELS)`, { cause: e });
  }
  return new MediaInputError(`the image could not be decoded: ${message}`, { cause: e });
}
