/**
 * Writes the reference pages generated from the code (docs/configuration.md, docs/errors.md).
 * Run with `npm run docs:generate` (or `npx tsx scripts/generate-docs.ts`) after changing the
 * settings schema, an engine descriptor or the error catalog; the docs test fails until the
 * pages are regenerated.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_PAGES } from './docs/generated-pages.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const page of GENERATED_PAGES) {
  const path = join(root, page.path);
  const text = page.render();
  const old = await readFile(path, 'utf8').catch(() => undefined);
  if (old === text) {
    console.log(`${page.path}: up to date`);
    continue;
  }
  await writeFile(path, text);
  console.log(`${page.path}: written`);
}
