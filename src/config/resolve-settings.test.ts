import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from './resolve-settings.js';
import { ConfigError } from './config-error.js';
import { DEFAULT_BODY_LIMIT_BYTES, settingsFor } from './settings.js';

test('defaults apply when nothing is set', () => {
  const { settings, sources } = resolveSettings({ env: { HOME: '/home/u' }, cwd: '/w' });
  assert.equal(settings.host, '127.0.0.1');
  assert.equal(settings.port, 8080);
  assert.equal(settings.allowRemote, false);
  assert.deepEqual(settings.apiKeys, []);
  assert.equal(settings.bodyLimit, DEFAULT_BODY_LIMIT_BYTES);
  assert.equal(settings.threads, 'auto');
  assert.equal(settings.parallel, 4);
  assert.equal(settings.contextSize, 4096);
  assert.equal(settings.maxQueue, 64);
  assert.equal(settings.modelsDir, '/home/u/.cache/gemserve/models');
  assert.equal(settings.model, undefined);
  assert.equal(sources.port, 'default');
});

test('modelsDir follows XDG_CACHE_HOME', () => {
  const { settings } = resolveSettings({ env: { HOME: '/home/u', XDG_CACHE_HOME: '/xdg' } });
  assert.equal(settings.modelsDir, '/xdg/gemserve/models');
});

test('precedence is flag > env > config file > default, per setting', () => {
  const env = { GEMSERVE_PORT: '9000', GEMSERVE_HOST: '127.0.0.2', GEMSERVE_API_KEYS: 'e1, e2' };
  const file = { port: 7000, host: '127.0.0.3', parallel: 2, apiKeys: ['f1'] };
  const { settings, sources } = resolveSettings({ flags: { port: '6000', 'api-key': ['a', 'b'] }, env, file });
  assert.equal(settings.port, 6000);
  assert.equal(sources.port, 'flag');
  assert.equal(settings.host, '127.0.0.2');
  assert.equal(sources.host, 'env');
  assert.equal(settings.parallel, 2);
  assert.equal(sources.parallel, 'config');
  assert.equal(settings.maxQueue, 64);
  assert.equal(sources.maxQueue, 'default');
  // Lists are replaced, not merged: the flag's keys win over env and file.
  assert.deepEqual(settings.apiKeys, ['a', 'b']);
  assert.deepEqual(resolveSettings({ env, file }).settings.apiKeys, ['e1', 'e2']);
  assert.deepEqual(resolveSettings({ file }).settings.apiKeys, ['f1']);
});

test('an empty env var counts as unset', () => {
  const { settings } = resolveSettings({ env: { GEMSERVE_PORT: '' }, file: { port: 7000 } });
  assert.equal(settings.port, 7000);
});

test('env aliases are read after the GEMSERVE_ name', () => {
  assert.equal(resolveSettings({ env: { HF_TOKEN: 'x' } }).settings.hfToken, 'x');
  assert.equal(resolveSettings({ env: { HF_TOKEN: 'x', GEMSERVE_HF_TOKEN: 'y' } }).settings.hfToken, 'y');
});

test('a bad value names its flag or env var', () => {
  assert.throws(() => resolveSettings({ flags: { port: 'http' } }), (e: unknown) =>
    e instanceof ConfigError && /^--port must be an integer from 0 to 65535 \(got "http"\)$/.test(e.message));
  assert.throws(() => resolveSettings({ env: { GEMSERVE_THREADS: 'many' } }), /GEMSERVE_THREADS must be auto or an integer/);
  assert.throws(() => resolveSettings({ env: { GEMSERVE_ALLOW_REMOTE: 'maybe' } }), /GEMSERVE_ALLOW_REMOTE must be true or false/);
});

test('secrets are not echoed in errors', () => {
  assert.throws(() => resolveSettings({ flags: { 'hf-token': ' ' } }), (e: unknown) =>
    e instanceof ConfigError && !e.message.includes('got'));
});

test('settings a command does not read keep their defaults (a bad GEMSERVE_PORT cannot break pull)', () => {
  const { settings } = resolveSettings({ env: { GEMSERVE_PORT: 'nope' } }, settingsFor('pull'));
  assert.equal(settings.port, 8080);
});

test('paths from flags and env are anchored at cwd', () => {
  const { settings } = resolveSettings({ flags: { 'models-dir': 'cache' }, cwd: '/w' });
  assert.equal(settings.modelsDir, '/w/cache');
});

test('values are parsed: boolean flags, byte sizes, prefixes, threads', () => {
  const { settings } = resolveSettings({
    flags: { 'allow-remote': true, 'body-limit': '20MB', 'mount-prefix': '/gemini/', threads: '8' },
  });
  assert.equal(settings.allowRemote, true);
  assert.equal(settings.bodyLimit, 20_000_000);
  assert.equal(settings.mountPrefix, '/gemini');
  assert.equal(settings.threads, 8);
});
