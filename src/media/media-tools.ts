import type { ToolSpec } from './run-tool.js';

/**
 * The command-line tools the media paths run, each with the Debian (bookworm) packages that ship
 * it (installed by `.ci/run`). Injectable, so tests can point one at a missing command.
 */
export interface MediaTools {
  /** Demuxes and decodes audio and video: audio to 16 kHz WAV, video to sampled frames. */
  ffmpeg: ToolSpec;
  /** Reads a media file's streams and duration (and refuses what it cannot parse). */
  ffprobe: ToolSpec;
  /** The speech recogniser for engines that do not hear: CMU PocketSphinx with its US English model. */
  recogniser: ToolSpec;
  /** PDF page count and validity. */
  pdfinfo: ToolSpec;
  /** PDF text, page by page. */
  pdftotext: ToolSpec;
  /** PDF pages as images, for engines that see. */
  pdftoppm: ToolSpec;
  /** HEIC decoding when sharp's bundled libvips has no HEVC decoder (its prebuilt binaries do not). */
  heifConvert: ToolSpec;
}

export const DEFAULT_MEDIA_TOOLS: MediaTools = {
  ffmpeg: { command: 'ffmpeg', packages: 'ffmpeg', purpose: 'decoding audio and video' },
  ffprobe: { command: 'ffprobe', packages: 'ffmpeg', purpose: 'reading audio and video' },
  recogniser: {
    command: 'pocketsphinx_continuous', packages: 'pocketsphinx pocketsphinx-en-us',
    purpose: "transcribing audio for an engine that does not hear (the model's engine takes no audio)",
  },
  pdfinfo: { command: 'pdfinfo', packages: 'poppler-utils', purpose: 'reading PDFs' },
  pdftotext: { command: 'pdftotext', packages: 'poppler-utils', purpose: 'extracting PDF text' },
  pdftoppm: { command: 'pdftoppm', packages: 'poppler-utils', purpose: 'rendering PDF pages' },
  heifConvert: { command: 'heif-convert', packages: 'libheif-examples', purpose: 'decoding HEIC images' },
};
