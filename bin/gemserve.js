#!/usr/bin/env node
// The published entry point: runs the compiled CLI (npm install runs `prepare`, which builds dist/).
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1; },
);
