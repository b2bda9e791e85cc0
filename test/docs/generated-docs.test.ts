/**
 * The reference pages generated from the code (docs/configuration.md from the settings schema,
 * docs/errors.md from the error catalog) must be what the generator makes now: change a setting
 * or an error and this fails until the pages are regenerated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../../src/config/load-config.js';
import { SETTINGS, type SettingSpec } from '../../src/config/settings.js';
import { ERROR_CATALOG, ERROR_CODES, Errors } from '../../src/core/errors.js';
import { ERROR_EXAMPLES } from '../../scripts/docs/error-examples.js';
import { GENERATED_PAGES, REGENERATE_COMMAND } from '../../scripts/docs/generated-pages.js';
import { ENGINES_PLACEHOLDER, EXAMPLE_CONFIG, renderConfigurationPage } from '../../scripts/docs/render-configuration-page.js';
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

test('the engines section is a marked placeholder until engine descriptors are wired in, and can be given', () => {
  assert.ok(renderConfigurationPage().includes(ENGINES_PLACEHOLDER));
  const wired = renderConfigurationPage({ engines: '### `llama-cpp`' });
  assert.ok(wired.includes('## Engines and model bindings\n\nThe `engines` section'));
  assert.ok(wired.includes('### `llama-cpp`') && !wired.includes(ENGINES_PLACEHOLDER));
});
