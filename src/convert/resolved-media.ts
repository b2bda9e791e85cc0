import type { Part } from '../api/gemini/types.js';
import type { MessagePart } from '../core/engine.js';

/**
 * The media parts of a request (`inlineData`, `fileData`) as the media step (src/media/) turned
 * them into engine parts, keyed by the wire Part object they came from. The media step does the
 * I/O (files, decoders, the recogniser); the converters stay pure and only look parts up here.
 */
export type ResolvedMedia = ReadonlyMap<Part, MessagePart[]>;

/** A request without media parts. */
export const NO_MEDIA: ResolvedMedia = new Map();
