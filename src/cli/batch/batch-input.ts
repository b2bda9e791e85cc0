/** One unit of work of `gemserve batch`: an image file or a line of a JSONL file. */
import type { GenerateContentRequest } from '../../api/gemini/types.js';

/** One input, in the order results are written. */
export interface BatchInput {
  /** Unique within the batch: the file name, or the line's `key` (else `line-<n>`). */
  key: string;
  /** The image file, relative to the folder given. */
  file?: string;
  /** The prompt text, for results a person reads (absent for `{"key","request"}` lines). */
  prompt?: string;
  /**
   * Why this input is not sent (too large, not an image): a failure in the results, decided
   * before any request so no money is spent on it.
   */
  refused?: string;
  /** Builds the request; images are read only now, so a large folder is never all in memory. */
  load(): Promise<GenerateContentRequest>;
}

/** Inputs as collected, and what was passed over (files that are not images). */
export interface CollectedInputs {
  inputs: BatchInput[];
  /** Names of files skipped, for one line of output. */
  skipped: string[];
}

/** `generationConfig.maxOutputTokens` applied to a request unless it sets its own. */
export function withMaxOutputTokens(req: GenerateContentRequest, maxOutputTokens: number | undefined): GenerateContentRequest {
  if (maxOutputTokens === undefined || req.generationConfig?.maxOutputTokens !== undefined) return req;
  return { ...req, generationConfig: { ...req.generationConfig, maxOutputTokens } };
}
