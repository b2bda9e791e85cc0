import { open, stat } from 'node:fs/promises';
import { GgufFormatError, type GgufProblem } from './gguf-format-error.js';
import { readGgufHeader, type GgufReadValue } from './read-gguf-header.js';

/** A file that passed every check: what a server needs to describe the model. */
export interface GgufFileSummary {
  readonly ok: true;
  readonly path: string;
  readonly version: number;
  /** `general.architecture`, e.g. "llama". */
  readonly architecture: string;
  /** `general.name`, when present. */
  readonly name?: string;
  readonly fileSize: number;
  readonly tensorCount: number;
  /** Total elements over all tensors. */
  readonly parameterCount: number;
  /** `{architecture}.context_length`, when present. */
  readonly contextLength?: number;
  /** `tokenizer.chat_template`, when present. */
  readonly chatTemplate?: string;
  /** Every metadata key; arrays (the vocabulary...) are summarised by type and length only. */
  readonly metadata: Readonly<Record<string, GgufReadValue>>;
}

/** Why a file cannot be used: `problem` for code, `reason` (naming the path) for people. */
export interface GgufFileFailure {
  readonly ok: false;
  readonly path: string;
  readonly problem: GgufProblem | 'not-found' | 'not-a-file' | 'unreadable';
  readonly reason: string;
}

/** Result of {@link inspectGgufFile}. */
export type GgufInspection = GgufFileSummary | GgufFileFailure;

function fail(path: string, problem: GgufFileFailure['problem'], reason: string): GgufFileFailure {
  return { ok: false, path, problem, reason: `${path}: ${reason}` };
}

/**
 * Checks that `path` is a complete, structurally valid GGUF file without loading it: it exists
 * and is a regular file, starts with the "GGUF" magic and a supported version, its header
 * parses with the checks llama.cpp makes, and the file is long enough to hold the last
 * tensor's data. Reads only the header. Never throws for a bad file: the failure explains it.
 */
export async function inspectGgufFile(path: string): Promise<GgufInspection> {
  let fileSize: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) return fail(path, 'not-a-file', 'not a regular file');
    fileSize = s.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return fail(path, 'not-found', 'no such file');
    return fail(path, 'unreadable', `cannot read it (${code ?? String(error)})`);
  }
  if (fileSize === 0) return fail(path, 'not-gguf', 'not a GGUF file: it is empty');

  let file;
  try {
    file = await open(path, 'r');
  } catch (error) {
    return fail(path, 'unreadable', `cannot open it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const header = await readGgufHeader(file, fileSize);
    if (fileSize < header.dataEnd) {
      const last = header.tensors.at(-1)!;
      return fail(path, 'truncated', `truncated: the file is ${fileSize} bytes but its tensor data ` +
        `(ending with ${last.name}) needs ${header.dataEnd}; ${header.dataEnd - fileSize} bytes are missing`);
    }
    const { metadata } = header;
    const architecture = metadata['general.architecture'];
    if (typeof architecture !== 'string') {
      return fail(path, 'corrupt', 'corrupt: no general.architecture string, so llama.cpp cannot load it');
    }
    const name = metadata['general.name'];
    const contextLength = metadata[`${architecture}.context_length`];
    const chatTemplate = metadata['tokenizer.chat_template'];
    return {
      ok: true,
      path,
      version: header.version,
      architecture,
      ...(typeof name === 'string' ? { name } : {}),
      fileSize,
      tensorCount: header.tensors.length,
      parameterCount: header.tensors.reduce((n, t) => n + t.dims.reduce((a, b) => a * b, 1), 0),
      ...(typeof contextLength === 'number' ? { contextLength } : {}),
      ...(typeof chatTemplate === 'string' ? { chatTemplate } : {}),
      metadata,
    };
  } catch (error) {
    if (error instanceof GgufFormatError) return fail(path, error.problem, error.message);
    const code = (error as NodeJS.ErrnoException).code;
    return fail(path, 'unreadable', `cannot read it (${code ?? String(error)})`);
  } finally {
    await file.close();
  }
}
