/**
 * The files a batch leaves: results.jsonl, one line per input in input order (those never run
 * marked `notRun`, so a re-run can pick them out), and summary.json. Each is written to a
 * temporary name and renamed, so an interrupted write never leaves half a file that looks whole.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchInput } from './batch-input.js';
import type { BatchResult } from './batch-result.js';
import type { BatchSummary } from './summarize-batch.js';

export const RESULTS_FILE = 'results.jsonl';
export const SUMMARY_FILE = 'summary.json';

/** A line for an input that was never sent. */
export interface NotRunLine {
  key: string;
  file?: string;
  prompt?: string;
  ok: false;
  notRun: true;
}

/** The lines of results.jsonl: a result for each input that finished, else a not-run line. */
export function resultLines(inputs: readonly BatchInput[], results: readonly BatchResult[]): Array<BatchResult | NotRunLine> {
  const byKey = new Map(results.map((r) => [r.key, r]));
  return inputs.map((i) => byKey.get(i.key) ?? {
    key: i.key, ...(i.file !== undefined ? { file: i.file } : {}), ...(i.prompt !== undefined ? { prompt: i.prompt } : {}), ok: false, notRun: true,
  });
}

/** Writes both files into `dir` (created if needed); returns their paths. */
export async function writeBatchOutput(dir: string, inputs: readonly BatchInput[], results: readonly BatchResult[], summary: BatchSummary): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const lines = resultLines(inputs, results).map((l) => `${JSON.stringify(l)}\n`).join('');
  const files: Array<[string, string]> = [[RESULTS_FILE, lines], [SUMMARY_FILE, `${JSON.stringify(summary, null, 2)}\n`]];
  const paths: string[] = [];
  for (const [name, text] of files) {
    const path = join(dir, name);
    await writeFile(`${path}.tmp`, text);
    await rename(`${path}.tmp`, path);
    paths.push(path);
  }
  return paths;
}
