/**
 * Is this file a loadable GGUF model? Asked before a download is moved into the cache and
 * before `serve` loads anything, so a bad file is reported with its reason up front rather
 * than as llama.cpp's vague "failed to load model" (or minutes into loading other models).
 */
import { Errors } from '../core/errors.js';
import { inspectGgufFile } from '../gguf/inspect-gguf-file.js';

/** Why `path` is not a usable GGUF model file, or undefined when it looks loadable. */
export async function checkModelFile(path: string): Promise<string | undefined> {
  const inspection = await inspectGgufFile(path);
  if (inspection.ok) return undefined;
  // The reason names the path first; callers say which file already.
  const prefix = `${path}: `;
  return inspection.reason.startsWith(prefix) ? inspection.reason.slice(prefix.length) : inspection.reason;
}

/** Throws `Errors.badModelFile` (exit 1 in the CLI) when `path` is not a usable model. */
export async function assertModelFile(path: string): Promise<void> {
  const reason = await checkModelFile(path);
  if (reason !== undefined) throw Errors.badModelFile(path, reason);
}
