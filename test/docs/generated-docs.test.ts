/**
 * The reference pages generated from the code (docs/configuration.md from the settings schema
 * and the engine descriptors, docs/errors.md from the error catalog) must be what the generator
 * makes now: change a setting, an engine's fields or an error and this fails until the pages
 * are regenerated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/load-config.js';
import { SETTINGS, type SettingSpec } from '../../src/config/settings.js';
import type { ConfigFields } from '../../src/core/config-fields.js';
import { ERROR_CATALOG, ERROR_CODES, Errors } from '../../src/core/errors.js';
import { ENGINE_DESCRIPTORS } from '../../src/engines/engine-descriptors.js';
import { ERROR_EXAMPLES } from '../../scripts/docs/error-examples.js';
import { GENERATED_PAGES, REGENERATE_COMMAND } from '../../scripts/docs/generated-pages.js';
import { EXAMPLE_CONFIG, EXAMPLE_ENGINES_CONFIG, renderConfigurationPage } from '../../scripts/docs/render-configuration-page.js';
import { renderErrorsPage } from '../../scripts/docs/render-errors-page.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

for (const page of GENERATED_PAGES) {
  test(`${page.path} is up to date with the code`, async () => {
    const onDisk = await readFile(join(root, page.path), 'utf8').catch(() => '');
    // Not assert.equal: its diff of two long pages is unreadable; say what to do instead.
    assert.ok(onDisk === page.render(), `${page.path} is stale (or missing): run \`${REGENERATE_COMMAND}\` and commit the result`);
  });
}

test('every error code has a factory, and every factory an example, so the page shows every message', () => {
  assert.deepEqual(Object.keys(ERROR_EXAMPLES).sort(), Object.keys(Errors).sort());
  const shown = new Set(Object.values(ERROR_EXAMPLES).map((make) => make().code));
  assert.deepEqual(ERROR_CODES.filter((c) => !shown.has(c)), [], 'codes no factory builds');
});

test('the errors page lists every code with its HTTP status and kind, and each example message', () => {
  const page = renderErrorsPage();
  assert.match(page, /\| \[`FILE_NOT_FOUND`\]\(#file_not_found\) \| 403 \| `PERMISSION_DENIED` \| user \| no \|/);
  assert.match(page, /\| \[`UPSTREAM_REJECTED`\]\(#upstream_rejected\) \| upstream's \| upstream's \| user \| when `RESOURCE_EXHAUSTED` \|/);
  for (const c of ERROR_CODES) assert.ok(page.includes(`### \`${c}\`\n`), c);
  assert.ok(page.includes('models/<model> is not found for API version <api version>, or is not supported for <method>.'));
  assert.throws(
    () => renderErrorsPage({ catalog: { ...ERROR_CATALOG, NEW_CODE: ERROR_CATALOG.INTERNAL } }),
    /NEW_CODE has no factory/,
  );
});

test('the configuration page lists every setting with its flag, env var, config key and default', () => {
  const page = renderConfigurationPage();
  for (const [key, spec] of Object.entries(SETTINGS) as Array<[string, SettingSpec<unknown>]>) {
    const row = page.split('\n').find((line) => line.startsWith(`| \`--${spec.flag}`));
    assert.ok(row, `no row for --${spec.flag}`);
    assert.ok(row.includes(`\`${spec.env}\``), `${key}: env var`);
    assert.ok(row.includes(spec.notInConfigFile ? '| — |' : `| \`${key}\` |`), `${key}: config key`);
  }
  // Text written for --help is escaped for Markdown tables: no stray HTML tags or cell breaks.
  assert.match(page, /\| `--model PATH\\\|NAME` \|/);
  assert.match(page, /as callers jwt:&lt;sub&gt;/);
  // Defaults that depend on the environment never show this machine's paths.
  assert.ok(!page.includes(process.env.HOME ?? '/nonexistent-home'), 'a home directory leaked into the page');
});

test("the configuration page's example config file is one gemserve accepts", () => {
  const page = renderConfigurationPage();
  assert.ok(page.includes(JSON.stringify(EXAMPLE_CONFIG, null, 2)));
  const parsed = parseConfig(EXAMPLE_CONFIG, '/srv/gemserve');
  assert.deepEqual(Object.keys(parsed.settings).sort(), Object.keys(EXAMPLE_CONFIG).sort());
});

/** Every field a config file may set, nested ones as `parent.key`, and the ones it may not. */
function fieldNames(fields: ConfigFields, prefix = ''): { settable: string[]; programSet: string[] } {
  const out = { settable: [] as string[], programSet: [] as string[] };
  for (const [name, f] of Object.entries(fields)) {
    if (f.notInConfigFile) { out.programSet.push(prefix + name); continue; }
    out.settable.push(prefix + name);
    if (f.type === 'object') out.settable.push(...fieldNames(f.fields, `${prefix}${name}.`).settable);
  }
  return out;
}

test('the configuration page has a section per engine kind, from its descriptor, with every field', () => {
  const page = renderConfigurationPage();
  const sections = page.split(/\n(?=### )/);
  for (const d of ENGINE_DESCRIPTORS) {
    const section = sections.find((s) => s.startsWith(`### \`${d.kind}\`\n`));
    assert.ok(section, `no section for ${d.kind}`);
    assert.ok(section.includes(`\n${d.summary}\n`), `${d.kind}: summary`);
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    const { settable, programSet } = fieldNames(d.fields);
    assert.deepEqual(rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1]), settable, `${d.kind}: one row per field, in order`);
    for (const name of programSet) assert.ok(section.includes(`- \`${name}\`: `), `${d.kind}.${name}: listed as set by gemserve`);
  }
  // Types, required fields, defaults and nested objects, on fields whose description is known.
  assert.match(page, /\| `model` \| path or pulled model name \| \*\*required\*\* \|/);
  assert.match(page, /\| `threads` \| `auto` or integer 1–1024 \| the --threads setting \|/);
  assert.match(page, /\| `retry` \| object \| — \| Retries of 429/);
  assert.match(page, /\| `retry.maxAttempts` \| integer 1–20 \| 4 \|/);
  assert.match(page, /\| `capabilities.inputModalities` \| list of `IMAGE`, `AUDIO` \| none: text only \|/);
});

test("the configuration page's example engines and models are ones gemserve accepts", () => {
  const page = renderConfigurationPage();
  assert.ok(page.includes(JSON.stringify(EXAMPLE_ENGINES_CONFIG, null, 2)));
  const parsed = parseConfig(EXAMPLE_ENGINES_CONFIG, '/srv/gemserve');
  assert.deepEqual(Object.keys(parsed.engines), Object.keys(EXAMPLE_ENGINES_CONFIG.engines));
  assert.deepEqual(Object.keys(parsed.models), Object.keys(EXAMPLE_ENGINES_CONFIG.models));
});

test('the configuration page is rendered from the engine descriptors: change one and the page on disk is stale', () => {
  const changed = ENGINE_DESCRIPTORS.map((d) => (d.kind === 'fake' ? { ...d, summary: `${d.summary} (changed)` } : d));
  const page = renderConfigurationPage({ engines: changed });
  assert.ok(page.includes('for demos and tests. (changed)\n'));
  assert.notEqual(page, renderConfigurationPage(), 'the page the up-to-date test compares with would differ');
});
