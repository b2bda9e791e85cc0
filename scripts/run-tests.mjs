#!/usr/bin/env node
// Runs node's test runner over every *.test.ts below the given folders (default: src test).
// Node 20's runner does not glob .ts files itself, hence this script.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
}
for (const r of roots.length ? roots : ['src', 'test']) walk(r);
files.sort();
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...passThrough, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
