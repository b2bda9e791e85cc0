import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveSettings } from './resolve-settings.js';
import { defaultDataDir, settingsFor } from './settings.js';

test('dataDir defaults to $XDG_DATA_HOME/gemserve, else ~/.local/share/gemserve', () => {
  assert.equal(defaultDataDir({ HOME: '/home/u' }), '/home/u/.local/share/gemserve');
  assert.equal(defaultDataDir({ HOME: '/home/u', XDG_DATA_HOME: '/xdg/data' }), '/xdg/data/gemserve');
  // The XDG spec ignores relative values.
  assert.equal(defaultDataDir({ HOME: '/home/u', XDG_DATA_HOME: 'rel' }), '/home/u/.local/share/gemserve');
});

test('dataDir comes from --data-dir or GEMSERVE_DATA_DIR, relative to the working directory', () => {
  const keys = settingsFor('serve');
  assert.ok(keys.includes('dataDir'));
  assert.equal(resolveSettings({ env: { HOME: '/h' }, cwd: '/w' }, keys).settings.dataDir, '/h/.local/share/gemserve');
  assert.equal(resolveSettings({ env: { HOME: '/h', GEMSERVE_DATA_DIR: 'd' }, cwd: '/w' }, keys).settings.dataDir, '/w/d');
  assert.equal(resolveSettings({ flags: { 'data-dir': '/abs' }, env: { GEMSERVE_DATA_DIR: 'd' }, cwd: '/w' }, keys).settings.dataDir, '/abs');
});
