/**
 * A JSONL file of prompts as batch inputs. Each non-blank line is one JSON value:
 *   {"key": "k1", "request": {GenerateContentRequest}}  the line format of Google's Batch API
 *                                                      input files, sent as written;
 *   {"prompt": "text", "key"?: "k"}                     one user turn;
 *   "text"                                              the same, keyed line-<n>.
 * A prompt line gets `--prompt`, when given, as a first text part: a shared instruction
 * ("Translate to French:") with one subject per line. A malformed line stops the command
 * before anything is sent or estimated: a typo should not cost half a batch.
 */
import { readFile } from 'node:fs/promises';
import type { GenerateContentRequest, Part } from '../../api/gemini/types.js';
import { CliError } from '../cli-error.js';
import { withMaxOutputTokens, type BatchInput, type CollectedInputs } from './batch-input.js';

/** Options of {@link parseJsonlInputs}. */
export interface JsonlInputOptions {
  /** Prepended to each prompt line. */
  prompt?: string;
  maxOutputTokens?: number;
}

/** Reads and parses `file`; see {@link parseJsonlInputs}. */
export async function readJsonlInputs(file: string, opts: JsonlInputOptions): Promise<CollectedInputs> {
  return parseJsonlInputs(await readFile(file, 'utf8'), file, opts);
}

/** Parses JSONL `text` (from `name`, for messages); throws a {@link CliError} (exit 2) naming the first bad line. */
export function parseJsonlInputs(text: string, name: string, opts: JsonlInputOptions): CollectedInputs {
  const inputs: BatchInput[] = [];
  const keys = new Set<string>();
  const bad = (n: number, why: string) => new CliError(`line ${n} of ${name}: ${why}`, 2);
  text.split(/\r?\n/).forEach((line, i) => {
    const n = i + 1;
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw bad(n, 'not JSON (each line is {"key","request"}, {"prompt"} or a JSON string)');
    }
    const obj = typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
    const key = obj && 'key' in obj ? obj.key : `line-${n}`;
    if (typeof key !== 'string' || !key) throw bad(n, '"key" must be a non-empty string');
    if (keys.has(key)) throw bad(n, `key ${JSON.stringify(key)} is used twice; results are matched by key`);
    keys.add(key);
    if (obj && 'request' in obj) {
      const req = obj.request as GenerateContentRequest;
      if (typeof req !== 'object' || req === null || !Array.isArray(req.contents)) throw bad(n, '"request" must be a GenerateContentRequest with "contents"');
      const request = withMaxOutputTokens(req, opts.maxOutputTokens);
      inputs.push({ key, load: async () => request });
      return;
    }
    const prompt = typeof value === 'string' ? value : obj?.prompt;
    if (typeof prompt !== 'string' || !prompt.trim()) throw bad(n, 'expected {"key","request"}, {"prompt": "..."} or a JSON string');
    const parts: Part[] = opts.prompt ? [{ text: opts.prompt }, { text: prompt }] : [{ text: prompt }];
    const request = withMaxOutputTokens({ contents: [{ role: 'user', parts }] }, opts.maxOutputTokens);
    inputs.push({ key, prompt, load: async () => request });
  });
  if (inputs.length === 0) throw new CliError(`${name} holds no prompts`, 2);
  return { inputs, skipped: [] };
}
