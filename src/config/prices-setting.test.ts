import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from './load-config.js';
import { resolveSettings } from './resolve-settings.js';

test('prices: an object in the config file or JSON in --prices / GEMSERVE_PRICES; bad values name the field', () => {
  const file = parseConfig({ prices: { 'models/gemini-2.5-flash': { input: 0.25 }, free: null } }, '/tmp');
  assert.deepEqual(file.settings.prices, { 'gemini-2.5-flash': { input: 0.25 }, free: null });
  const { settings } = resolveSettings({
    flags: { prices: '{"m": {"input": 1, "output": 2, "longPrompt": {"aboveTokens": 100, "input": 3, "output": 4}}}' }, env: {},
  }, ['prices']);
  assert.deepEqual(settings.prices, { m: { input: 1, output: 2, longPrompt: { aboveTokens: 100, input: 3, output: 4 } } });
  assert.deepEqual(resolveSettings({ env: {} }, ['prices']).settings.prices, {});
  assert.throws(() => resolveSettings({ env: { GEMSERVE_PRICES: '{"m": {"input": -1}}' } }, ['prices']), /GEMSERVE_PRICES "m"\.input must be a non-negative number/);
  assert.throws(() => resolveSettings({ flags: { prices: '{"m": {"inptu": 1}}' } }, ['prices']), /unknown field "inptu"/);
  assert.throws(() => resolveSettings({ flags: { prices: 'cheap' } }, ['prices']), /--prices must be an object of model id/);
});

test('metrics is on by default; --metrics off / GEMSERVE_METRICS=0 turn it off', () => {
  assert.equal(resolveSettings({ env: {} }, ['metrics']).settings.metrics, true);
  assert.equal(resolveSettings({ flags: { metrics: 'off' }, env: {} }, ['metrics']).settings.metrics, false);
  assert.equal(resolveSettings({ env: { GEMSERVE_METRICS: '0' } }, ['metrics']).settings.metrics, false);
  assert.equal(resolveSettings({ env: {} }, ['logPrompts']).settings.logPrompts, false);
});
