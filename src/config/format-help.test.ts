import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOptionRows, settingRows } from './format-help.js';
import { SETTINGS, settingsFor, type SettingKey, type SettingSpec } from './settings.js';

test('every setting has a help row with its flag, default, env var and config key', () => {
  const keys = Object.keys(SETTINGS) as SettingKey[];
  const help = formatOptionRows(settingRows(keys), 1000);
  for (const key of keys) {
    const s = SETTINGS[key] as SettingSpec<unknown>;
    assert.ok(s.help.length > 10, `${key} has help text`);
    assert.match(s.env, /^GEMSERVE_[A-Z_]+$/, `${key} env var is GEMSERVE_*`);
    assert.ok(help.includes(`--${s.flag}`), `${key} flag in help`);
    assert.ok(help.includes(s.env), `${key} env in help`);
    assert.ok(help.includes(s.help), `${key} help in help`);
    if (!s.notInConfigFile) assert.ok(help.includes(`config: "${key}"`), `${key} config key in help`);
  }
});

test('every setting belongs to at least one command, and flags and env vars are unique', () => {
  const specs = Object.values(SETTINGS) as SettingSpec<unknown>[];
  for (const s of specs) assert.ok(s.commands.length > 0, s.flag);
  assert.equal(new Set(specs.map((s) => s.flag)).size, specs.length);
  assert.equal(new Set(specs.map((s) => s.env)).size, specs.length);
});

test('defaults are shown, secrets are not', () => {
  const rows = settingRows(settingsFor('serve'));
  const port = rows.find((r) => r.flags === '--port PORT');
  assert.match(port?.details ?? '', /default: 8080 · env: GEMSERVE_PORT/);
  assert.match(rows.find((r) => r.flags === '--body-limit BYTES')?.details ?? '', /default: 100MiB/);
  assert.match(rows.find((r) => r.flags === '--api-key KEY')?.details ?? '', /default: none/);
  assert.match(rows.find((r) => r.flags === '--allow-remote')?.details ?? '', /default: false/);
});

test('long help wraps under its column', () => {
  const out = formatOptionRows([{ flags: '--x', help: 'word '.repeat(40).trim() }], 60);
  const lines = out.split('\n');
  assert.ok(lines.length > 1);
  assert.ok(lines.every((l) => l.length <= 60));
  assert.ok(lines.slice(1).every((l) => l.startsWith(' '.repeat(7))));
});
