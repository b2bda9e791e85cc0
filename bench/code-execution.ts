/**
 * What the code-execution sandbox costs per run: a trivial program (`print(1)`) and the import
 * of numpy, pandas and matplotlib, each run in a fresh sandbox (src/sandbox/), beside the same
 * program run by Debian's python3 directly (no sandbox, no limits). Overhead = sandbox − direct.
 *
 *   npx tsx bench/code-execution.ts [--quick] [--no-write] [--samples 21] [--import-samples 7]
 *
 * Runs alternate (direct, sandbox, direct, ...) so load drifts hit both alike.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEBIAN_PYTHON, findPythonSandbox } from '../src/sandbox/find-python-sandbox.js';
import { intOption, readBenchArgs } from './lib/cli-args.js';
import { printTable } from './lib/print-table.js';
import { median, nowMs, percentile, round } from './lib/stats.js';
import { resultsHead, writeResults } from './lib/write-results.js';

const NAME = 'code-execution';
const PROGRAMS = [
  { what: 'print(1)', code: 'print(1)', samplesOption: 'samples' },
  { what: 'import numpy, pandas, matplotlib.pyplot', code: 'import numpy, pandas, matplotlib.pyplot\nprint(1)', samplesOption: 'import-samples' },
] as const;

const args = readBenchArgs(process.argv.slice(2), ['samples', 'import-samples']);
const samples = { samples: intOption(args, 'samples', args.quick ? 5 : 21), 'import-samples': intOption(args, 'import-samples', args.quick ? 2 : 7) };
const head = resultsHead(NAME, args.quick);
const run = promisify(execFile);

const sandbox = await findPythonSandbox();
if ('unavailable' in sandbox) {
  console.error(`no sandbox: ${sandbox.unavailable}`);
  process.exit(1);
}
console.log(sandbox.description);

/** The program as the sandbox runs it, minus the sandbox: same interpreter, flags and backend. */
async function direct(code: string): Promise<void> {
  await run(DEBIAN_PYTHON, ['-I', '-c', code], { env: { MPLBACKEND: 'Agg', OPENBLAS_NUM_THREADS: '1', LANG: 'C.UTF-8' } });
}

const rows = [];
for (const p of PROGRAMS) {
  const n = samples[p.samplesOption];
  const d: number[] = [];
  const s: number[] = [];
  await direct(p.code); // warm the page cache for both
  await sandbox.run(p.code);
  for (let i = 0; i < n; i++) {
    let t = nowMs();
    await direct(p.code);
    d.push(nowMs() - t);
    t = nowMs();
    const r = await sandbox.run(p.code);
    s.push(nowMs() - t);
    if (r.outcome !== 'OUTCOME_OK') throw new Error(`${p.what}: ${r.outcome} ${r.output}`);
  }
  rows.push({
    program: p.what,
    samples: n,
    directMedianMs: round(median(d)),
    sandboxMedianMs: round(median(s)),
    sandboxP90Ms: round(percentile(s, 90)),
    overheadMedianMs: round(median(s) - median(d)),
  });
}

printTable(
  `Code execution per run (${head.host.cores} cores, load ${head.host.loadAverage1m})`,
  ['program', 'n', 'direct ms', 'sandbox ms', 'sandbox p90', 'overhead ms'],
  rows.map((r) => [r.program, r.samples, r.directMedianMs, r.sandboxMedianMs, r.sandboxP90Ms, r.overheadMedianMs]),
);

if (!args.noWrite) {
  const path = writeResults(NAME, {
    ...head,
    sandbox: sandbox.description,
    settings: { samples, direct: `${DEBIAN_PYTHON} -I -c CODE (no sandbox)`, sandbox: 'findPythonSandbox() defaults, one fresh sandbox per run' },
    rows,
  });
  console.log(`wrote ${path}`);
}
