import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../cli-error.js';
import { DEFAULT_MODEL_NAME, findCatalogModel, MODEL_CATALOG } from './default-models.js';
import { catalogModelUrl } from './pull-catalog-model.js';
import { parsePullRef } from './resolve-pull-ref.js';

test('every pinned model names one file at one commit, with its size and SHA-256', () => {
  const names = new Set<string>();
  for (const m of MODEL_CATALOG) {
    assert.match(m.name, /^[a-z0-9.-]+$/, m.name);
    assert.ok(!names.has(m.name), `${m.name} twice`);
    names.add(m.name);
    assert.match(m.repo, /^[\w.-]+\/[\w.-]+$/, m.name);
    assert.match(m.revision, /^[0-9a-f]{40}$/, `${m.name}: a commit, not a branch`);
    assert.match(m.file, /^[\w.-]+\.gguf$/, m.name);
    assert.match(m.sha256, /^[0-9a-f]{64}$/, m.name);
    assert.ok(Number.isSafeInteger(m.bytes) && m.bytes > 100_000_000, `${m.name}: ${m.bytes}`);
    assert.ok(m.license.length > 0, m.name);
  }
  assert.equal(MODEL_CATALOG[0].name, DEFAULT_MODEL_NAME, 'the default is listed first');
});

test('the default is Gemma 3 1B IT Q4_K_M from ggml-org at its pinned commit', () => {
  const m = findCatalogModel(DEFAULT_MODEL_NAME);
  assert.ok(m);
  assert.equal(
    catalogModelUrl(m, 'https://huggingface.co'),
    'https://huggingface.co/ggml-org/gemma-3-1b-it-GGUF/resolve/f9c28bcd85737ffc5aef028638d3341d49869c27/gemma-3-1b-it-Q4_K_M.gguf',
  );
  assert.equal(m.bytes, 806_058_240);
});

test('short names are found case-insensitively and are never pull refs themselves', () => {
  assert.equal(findCatalogModel(' Gemma3-1B ')?.name, 'gemma3-1b');
  assert.equal(findCatalogModel('gemma3-27b'), undefined);
  for (const m of MODEL_CATALOG) {
    // A short name must not also parse as owner/repo...: one string, one meaning.
    assert.throws(() => parsePullRef(m.name), CliError, m.name);
    // And its pinned URL reads back as the same repo, commit and file.
    const ref = parsePullRef(catalogModelUrl(m, 'https://huggingface.co'));
    assert.equal(ref.kind, 'hf-file');
    if (ref.kind === 'hf-file') assert.deepEqual([`${ref.owner}/${ref.repo}`, ref.revision, ref.file], [m.repo, m.revision, m.file]);
  }
});

test("docs/cli.md's short-names table lists every pinned model with its repo, commit and SHA-256", async () => {
  const { readFile } = await import('node:fs/promises');
  const docs = await readFile(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
  const section = docs.slice(docs.indexOf('## Short model names'), docs.indexOf('\n## ', docs.indexOf('## Short model names')));
  const rows = section.split('\n').filter((l) => /^\| `[a-z0-9.-]+`( \(default\))? \|/.test(l));
  assert.equal(rows.length, MODEL_CATALOG.length);
  for (const m of MODEL_CATALOG) {
    const row = rows.find((r) => r.startsWith(`| \`${m.name}\``));
    assert.ok(row, m.name);
    for (const field of [m.repo, m.revision, m.file, m.sha256]) assert.ok(row.includes(field), `${m.name}: ${field}`);
    assert.equal(row.includes('(default)'), m.name === DEFAULT_MODEL_NAME, m.name);
  }
});
