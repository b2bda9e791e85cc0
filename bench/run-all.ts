/**
 * Runs every benchmark, one after another, each in its own process (so one's model, threads and
 * garbage cannot disturb the next), forwarding flags such as `--quick` and `--no-write`.
 *
 *   npm run bench [-- --quick]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A benchmark still running after this is stuck, not slow (each takes a few minutes at most). */
const TIMEOUT_MS = 15 * 60_000;

/** Cheapest first, so a broken build fails fast. The last two need a llama-server binary (`gemserve engine build`). */
const BENCHMARKS = ['server-overhead', 'gateway-overhead', 'overload', 'count-tokens', 'stream-vs-direct', 'concurrent-streams', 'context-cache', 'embeddings', 'image-input', 'engine-compare', 'code-execution'];

const forwarded = process.argv.slice(2);
const unknown = forwarded.filter((a) => a !== '--quick' && a !== '--no-write');
if (unknown.length) {
  console.error(`run-all forwards only --quick and --no-write (got ${unknown.join(' ')}); run a benchmark directly for its own options`);
  process.exit(2);
}

const outcomes: Array<{ name: string; status: number | null; seconds: number }> = [];
for (const name of BENCHMARKS) {
  console.log(`\n=== ${name} ${forwarded.join(' ')}`.trimEnd());
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`./${name}.ts`, import.meta.url)), ...forwarded], { stdio: 'inherit', timeout: TIMEOUT_MS });
  if (r.error) console.error(`${name}: ${r.error.message}`);
  outcomes.push({ name, status: r.status, seconds: (Date.now() - t0) / 1000 });
}

console.log('\n=== summary');
for (const o of outcomes) console.log(`${o.status === 0 ? 'ok  ' : 'FAIL'}  ${o.name.padEnd(20)} ${o.seconds.toFixed(1)} s`);
process.exit(outcomes.every((o) => o.status === 0) ? 0 : 1);
