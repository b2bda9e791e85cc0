/**
 * What a file really is, from its first bytes (magic numbers), so a declared MIME type can be
 * checked against the data. Sources: each format's specification, as summarised by the WHATWG
 * MIME Sniffing Standard (mimesniff.spec.whatwg.org, "Matching an image/audio or video type
 * pattern") and file(1)'s magic database; ISO BMFF brands from the MP4 registration authority.
 */

/** A recognised container or codec format. */
export type SniffedFormat =
  | 'jpeg' | 'png' | 'gif' | 'webp' | 'heif' | 'avif' | 'bmp' | 'tiff'
  | 'wav' | 'mp3' | 'aiff' | 'aac' | 'm4a' | 'ogg' | 'flac'
  | 'mp4' | 'quicktime' | '3gpp' | 'mpeg-ps' | 'mpeg-ts' | 'mpeg-video' | 'avi' | 'webm' | 'flv' | 'asf'
  | 'pdf' | 'zip' | 'text';

export interface SniffedType {
  format: SniffedFormat;
  /** The canonical MIME type of that format. */
  mimeType: string;
  /** How to name it in an error, e.g. `a JPEG image`. */
  label: string;
}

const TYPES: Record<SniffedFormat, [mimeType: string, label: string]> = {
  jpeg: ['image/jpeg', 'a JPEG image'],
  png: ['image/png', 'a PNG image'],
  gif: ['image/gif', 'a GIF image'],
  webp: ['image/webp', 'a WebP image'],
  heif: ['image/heif', 'a HEIF/HEIC image'],
  avif: ['image/avif', 'an AVIF image'],
  bmp: ['image/bmp', 'a BMP image'],
  tiff: ['image/tiff', 'a TIFF image'],
  wav: ['audio/wav', 'WAV audio'],
  mp3: ['audio/mpeg', 'MP3 audio'],
  aiff: ['audio/aiff', 'AIFF audio'],
  aac: ['audio/aac', 'AAC audio'],
  m4a: ['audio/mp4', 'MPEG-4 audio (M4A)'],
  ogg: ['audio/ogg', 'an Ogg file'],
  flac: ['audio/flac', 'FLAC audio'],
  mp4: ['video/mp4', 'an MP4 video'],
  quicktime: ['video/quicktime', 'a QuickTime (MOV) video'],
  '3gpp': ['video/3gpp', 'a 3GPP video'],
  'mpeg-ps': ['video/mpeg', 'an MPEG program stream'],
  'mpeg-ts': ['video/mp2t', 'an MPEG transport stream'],
  'mpeg-video': ['video/mpeg', 'an MPEG video stream'],
  avi: ['video/x-msvideo', 'an AVI video'],
  webm: ['video/webm', 'a WebM/Matroska video'],
  flv: ['video/x-flv', 'an FLV video'],
  asf: ['video/x-ms-wmv', 'a WMV/ASF video'],
  pdf: ['application/pdf', 'a PDF document'],
  zip: ['application/zip', 'a ZIP archive'],
  text: ['text/plain', 'UTF-8 text'],
};

/** The type `bytes` hold, or undefined when no known signature matches (and they are not UTF-8 text). */
export function sniffMimeType(bytes: Uint8Array): SniffedType | undefined {
  const format = sniffFormat(bytes);
  if (!format) return undefined;
  const [mimeType, label] = TYPES[format];
  return { format, mimeType, label };
}

function sniffFormat(b: Uint8Array): SniffedFormat | undefined {
  const ascii = (at: number, s: string) => s.length + at <= b.length && [...s].every((c, i) => b[at + i] === c.charCodeAt(0));
  const bytesAt = (at: number, ...v: number[]) => v.length + at <= b.length && v.every((x, i) => b[at + i] === x);

  if (bytesAt(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (bytesAt(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'gif';
  if (ascii(0, 'RIFF') || ascii(0, 'RF64')) {
    if (ascii(8, 'WEBP')) return 'webp';
    if (ascii(8, 'WAVE')) return 'wav';
    if (ascii(8, 'AVI ')) return 'avi';
  }
  if (ascii(4, 'ftyp')) return isoBrand(b);
  // QuickTime files from before `ftyp` start with a top-level atom instead (QuickTime File Format, "Atoms").
  if (['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'].some((atom) => ascii(4, atom))) return 'quicktime';
  if (ascii(0, 'FORM') && (ascii(8, 'AIFF') || ascii(8, 'AIFC'))) return 'aiff';
  if (ascii(0, 'OggS')) return 'ogg';
  if (ascii(0, 'fLaC')) return 'flac';
  if (ascii(0, 'ID3')) return 'mp3';
  if (ascii(0, 'ADIF')) return 'aac';
  if (b.length >= 2 && b[0] === 0xff) {
    // ADTS (AAC) sync: 12 one-bits, then MPEG version, then layer 00 (ISO/IEC 13818-7).
    if ((b[1] & 0xf6) === 0xf0) return 'aac';
    // MPEG audio frame sync: 11 one-bits, then a layer other than the reserved 00 (ISO/IEC 11172-3).
    if ((b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0) return 'mp3';
  }
  if (bytesAt(0, 0x00, 0x00, 0x01, 0xba)) return 'mpeg-ps';
  if (bytesAt(0, 0x00, 0x00, 0x01, 0xb3)) return 'mpeg-video';
  // Transport stream: 188-byte packets each starting with the 0x47 sync byte (ISO/IEC 13818-1).
  if (b.length > 188 && b[0] === 0x47 && b[188] === 0x47) return 'mpeg-ts';
  if (bytesAt(0, 0x1a, 0x45, 0xdf, 0xa3)) return 'webm';
  if (ascii(0, 'FLV') && b[3] === 0x01) return 'flv';
  if (bytesAt(0, 0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c)) return 'asf';
  if (hasPdfHeader(b)) return 'pdf';
  if (ascii(0, 'BM')) return 'bmp';
  if (bytesAt(0, 0x49, 0x49, 0x2a, 0x00) || bytesAt(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (bytesAt(0, 0x50, 0x4b, 0x03, 0x04)) return 'zip';
  if (looksLikeUtf8Text(b)) return 'text';
  return undefined;
}

/** ISO base media file format: the major brand, else the compatible brands, name the flavour. */
function isoBrand(b: Uint8Array): SniffedFormat {
  const size = Math.min(b.length, Math.max(16, (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]), 256);
  const brands: string[] = [];
  for (let at = 8; at + 4 <= size; at += at === 8 ? 8 : 4) {
    brands.push(String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]));
  }
  const has = (...names: string[]) => brands.some((x) => names.includes(x));
  const major = brands[0] ?? '';
  if (['avif', 'avis'].includes(major)) return 'avif';
  if (has('heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs')) return 'heif';
  if (has('avif', 'avis')) return 'avif';
  if (has('mif1', 'msf1')) return 'heif';
  if (major === 'qt  ') return 'quicktime';
  if (major.startsWith('3gp') || major.startsWith('3g2')) return '3gpp';
  if (major === 'M4A ' || major === 'M4B ') return 'm4a';
  return 'mp4';
}

/** Acrobat accepts `%PDF-` anywhere in the first 1024 bytes (PDF 1.7 reference, Implementation note 13). */
function hasPdfHeader(b: Uint8Array): boolean {
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 1024));
  return head.indexOf('%PDF-', 0, 'latin1') !== -1;
}

const TEXT_SNIFF_BYTES = 64 * 1024;

/** No NUL bytes and valid UTF-8 in the first 64 KiB (a sequence cut at the end is fine). */
function looksLikeUtf8Text(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  const head = b.subarray(0, TEXT_SNIFF_BYTES);
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: b.length > TEXT_SNIFF_BYTES });
    return true;
  } catch {
    return false;
  }
}
