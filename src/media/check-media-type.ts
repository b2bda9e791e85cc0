import { MediaInputError } from './media-input-error.js';
import { sniffMimeType } from './sniff-mime-type.js';
import { normalizeMimeType, supportedMimeType, type MediaKind } from './supported-mime-types.js';

/** A part's data, checked: its kind and what it really is. */
export interface CheckedMedia {
  kind: MediaKind;
  /** The declared type, normalised (`image/jpg` stays `image/jpg`; parameters dropped). */
  mimeType: string;
  /** The sniffed format, e.g. `jpeg`, `mp4`, `text`. */
  format: string;
}

/**
 * Checks a declared MIME type against the data: the type must be one gemserve takes, and the
 * bytes must really be of it (by their magic numbers). Throws a MediaInputError saying which, e.g.
 * `declared image/png but the data is a JPEG image`. Google answers a mismatch with an opaque
 * "Unable to process input image"; naming both types is what lets the caller fix it.
 */
export function checkMediaType(declared: string | undefined, data: Uint8Array): CheckedMedia {
  if (!declared) throw new MediaInputError('mime_type is not specified');
  const mimeType = normalizeMimeType(declared);
  const supported = supportedMimeType(mimeType);
  if (!supported) throw new MediaInputError(`Unsupported MIME type: ${declared}`);
  if (data.length === 0) throw new MediaInputError(`declared ${mimeType} but the data is empty`);
  const sniffed = sniffMimeType(data);
  if (sniffed && supported.formats.includes(sniffed.format)) return { kind: supported.kind, mimeType, format: sniffed.format };
  if (supported.kind === 'text') {
    throw new MediaInputError(sniffed ? `declared ${mimeType} but the data is ${sniffed.label}` : `declared ${mimeType} but the data is not UTF-8 text`);
  }
  throw new MediaInputError(
    sniffed ? `declared ${mimeType} but the data is ${sniffed.label}` : `declared ${mimeType} but the data is not of that type (unrecognised bytes ${hexHead(data)})`,
  );
}

function hexHead(data: Uint8Array): string {
  return Buffer.from(data.subarray(0, 8)).toString('hex').replace(/(..)/g, '$1 ').trim() + (data.length > 8 ? ' …' : '');
}
