import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostInfo, type HostInfo } from './host-info.js';

/** bench/results/, next to the benchmarks. */
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** The common head of every results file; the benchmark adds its own fields. */
export interface ResultsHead {
  benchmark: string;
  date: string;
  quick: boolean;
  host: HostInfo;
}

export function resultsHead(benchmark: string, quick: boolean): ResultsHead {
  return { benchmark, date: new Date().toISOString(), quick, host: hostInfo() };
}

/**
 * Writes bench/results/<name>.json, or <name>.quick.json for a `--quick` smoke run (git-ignored
 * by bench/.gitignore, so a smoke run never overwrites the figures worth committing). Goes via
 * a .tmp file and a rename, so an interrupted run never leaves half a file. Returns the path.
 */
export function writeResults(name: string, results: ResultsHead & Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}${results.quick ? '.quick' : ''}.json`);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}
