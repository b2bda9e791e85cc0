#!/usr/bin/env node
// Runs node's test runner over every *.test.ts below the given folders (default: src test).
// Node 20's runner does not glob .ts files itself, hence this script.
//   --models       only the tests that load GGUF weights (they import test/fixtures/test-models.ts
//                  or vision-test-models.ts: generated tiny models, ../shared/models when present)
//   --no-models    every other test
// Other --flags pass through to `node --test` (e.g. --test-name-pattern).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const roots = args.filter((a) => !a.startsWith('--'));
const models = args.includes('--models') ? true : args.includes('--no-models') ? false : undefined;
const passThrough = args.filter((a) => a.startsWith('--') && a !== '--models' && a !== '--no-models');
const LOADS_MODELS = /fixtures\/(vision-)?test-models\.js['"]/;
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts') && (models === undefined || LOADS_MODELS.test(readFileSync(p, 'utf8')) === models)) files.push(p);
  }
}
for (const r of roots.length ? roots : ['src', 'test']) walk(r);
files.sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...passThrough, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
