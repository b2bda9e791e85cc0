import type { Part } from '../api/gemini/types.js';
import type { MessagePart } from '../core/engine.js';
import type { CheckedMedia } from './check-media-type.js';
import type { MediaResolutionLevel } from './media-limits.js';
import type { MediaTools } from './media-tools.js';

/** One media part to resolve, with everything its kind's resolver needs. */
export interface MediaJob {
  /** The part's proto path, e.g. `contents[0].parts[1].inline_data`. */
  field: string;
  data: Uint8Array;
  checked: CheckedMedia;
  /** Its media resolution (per part, else global), if any. */
  level?: MediaResolutionLevel;
  /** The wire part (for `videoMetadata`). */
  part: Part;
  modelId: string;
  /** The engine takes images (`inputModalities` has IMAGE). */
  sees: boolean;
  /** The engine takes audio (`inputModalities` has AUDIO). */
  hears: boolean;
  tools: MediaTools;
  signal?: AbortSignal;
}

/** A resolved part: the engine parts it became and the path it took (`image=pixels`, ...). */
export interface MediaResult {
  parts: MessagePart[];
  path: string;
}

/** Put before a transcript, so the model knows the words were heard, not typed. */
export const TRANSCRIPT_LABEL = '[transcript of the audio]';
