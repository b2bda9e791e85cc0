import type { SniffedFormat } from './sniff-mime-type.js';

/** How gemserve processes a part: the kind of media its MIME type names. */
export type MediaKind = 'image' | 'audio' | 'video' | 'pdf' | 'text';

export interface SupportedMimeType {
  kind: MediaKind;
  /** Formats the data may really be for this declared type (phones label MOV as MP4, and so on). */
  formats: readonly SniffedFormat[];
}

const image = (...formats: SniffedFormat[]): SupportedMimeType => ({ kind: 'image', formats });
const audio = (...formats: SniffedFormat[]): SupportedMimeType => ({ kind: 'audio', formats });
const video = (...formats: SniffedFormat[]): SupportedMimeType => ({ kind: 'video', formats });
const TEXT: SupportedMimeType = { kind: 'text', formats: ['text'] };
const ISO_VIDEO: SniffedFormat[] = ['mp4', 'quicktime', '3gpp', 'm4a'];

/**
 * The MIME types Gemini documents, with their common aliases:
 * - images: PNG, JPEG, WebP, HEIC, HEIF (ai.google.dev/gemini-api/docs/image-understanding,
 *   "Supported image formats"), and GIF, which Gemini also takes (its first frame, as here);
 * - audio: WAV, MP3, AIFF, AAC, OGG Vorbis, FLAC (…/docs/audio, "Supported audio formats");
 * - video: MP4, MPEG, MOV, AVI, FLV, MPG, WebM, WMV, 3GPP (…/docs/video-understanding,
 *   "Supported video formats");
 * - documents: PDF, and text formats Gemini reads as plain text (…/docs/document-processing:
 *   "Gemini will see those as normal text"; the list of Vertex AI's document understanding).
 */
export const SUPPORTED_MIME_TYPES: Readonly<Record<string, SupportedMimeType>> = {
  'image/png': image('png'),
  'image/jpeg': image('jpeg'),
  'image/jpg': image('jpeg'),
  'image/webp': image('webp'),
  'image/heic': image('heif'),
  'image/heif': image('heif'),
  'image/gif': image('gif'),

  'audio/wav': audio('wav'),
  'audio/x-wav': audio('wav'),
  'audio/wave': audio('wav'),
  'audio/vnd.wave': audio('wav'),
  'audio/mp3': audio('mp3'),
  'audio/mpeg': audio('mp3'),
  'audio/aiff': audio('aiff'),
  'audio/x-aiff': audio('aiff'),
  'audio/aac': audio('aac', 'm4a'),
  'audio/x-aac': audio('aac', 'm4a'),
  'audio/ogg': audio('ogg'),
  'audio/flac': audio('flac'),
  'audio/x-flac': audio('flac'),

  'video/mp4': video(...ISO_VIDEO),
  'video/mpeg': video('mpeg-ps', 'mpeg-ts', 'mpeg-video'),
  'video/mpg': video('mpeg-ps', 'mpeg-ts', 'mpeg-video'),
  'video/mov': video(...ISO_VIDEO),
  'video/quicktime': video(...ISO_VIDEO),
  'video/avi': video('avi'),
  'video/x-msvideo': video('avi'),
  'video/x-flv': video('flv'),
  'video/webm': video('webm'),
  'video/wmv': video('asf'),
  'video/x-ms-wmv': video('asf'),
  'video/3gpp': video(...ISO_VIDEO),

  'application/pdf': { kind: 'pdf', formats: ['pdf'] },

  'text/plain': TEXT,
  'text/html': TEXT,
  'text/css': TEXT,
  'text/csv': TEXT,
  'text/xml': TEXT,
  'application/xml': TEXT,
  'text/markdown': TEXT,
  'text/md': TEXT,
  'text/rtf': TEXT,
  'text/javascript': TEXT,
  'application/javascript': TEXT,
  'application/x-javascript': TEXT,
  'text/x-python': TEXT,
  'application/x-python': TEXT,
  'text/x-typescript': TEXT,
  'application/json': TEXT,
};

/** `Image/PNG; charset=x` → `image/png`. */
export function normalizeMimeType(mimeType: string): string {
  return mimeType.split(';')[0].trim().toLowerCase();
}

/** The supported type for a declared MIME type, or undefined. */
export function supportedMimeType(mimeType: string): SupportedMimeType | undefined {
  return Object.hasOwn(SUPPORTED_MIME_TYPES, normalizeMimeType(mimeType)) ? SUPPORTED_MIME_TYPES[normalizeMimeType(mimeType)] : undefined;
}
