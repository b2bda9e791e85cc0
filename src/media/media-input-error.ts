/**
 * What the media helpers throw. They know nothing of the request, so they say what is wrong with
 * the data; `resolve-media-parts.ts` adds the part's path and turns these into the catalog's
 * errors (src/core/errors.ts), so every message names the part.
 */

/** The data is at fault (wrong type, undecodable, too big, too long): a 400 for the caller. */
export class MediaInputError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'MediaInputError';
  }
}

/** A tool the media path needs is not installed: a 400 saying what to install. */
export class MediaToolMissingError extends Error {
  readonly tool: string;
  /** Debian packages that provide it. */
  readonly packages: string;
  /** What it was needed for. */
  readonly purpose: string;

  constructor(tool: string, packages: string, purpose: string) {
    super(`${tool} is not installed`);
    this.name = 'MediaToolMissingError';
    this.tool = tool;
    this.packages = packages;
    this.purpose = purpose;
  }
}
