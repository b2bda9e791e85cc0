import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSafeBind, isLoopbackHost } from './check-bind-safety.js';
import { ConfigError } from '../config/config-error.js';

test('loopback hosts', () => {
  for (const h of ['127.0.0.1', '127.1.2.3', '127.255.255.255', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1']) {
    assert.equal(isLoopbackHost(h), true, h);
  }
  for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', '128.0.0.1', 'example.com', 'localhost.example.com', '::ffff:10.0.0.1', '']) {
    assert.equal(isLoopbackHost(h), false, h);
  }
});

test('a non-loopback host needs keys or --allow-remote', () => {
  assert.throws(() => assertSafeBind({ host: '0.0.0.0', apiKeys: [], allowRemote: false }), (e: unknown) =>
    e instanceof ConfigError && /refusing to listen on 0\.0\.0\.0 without API keys.*--api-key.*--allow-remote/.test(e.message));
  assert.doesNotThrow(() => assertSafeBind({ host: '0.0.0.0', apiKeys: ['k'], allowRemote: false }));
  assert.doesNotThrow(() => assertSafeBind({ host: '0.0.0.0', apiKeys: [], allowRemote: true }));
  assert.doesNotThrow(() => assertSafeBind({ host: '127.0.0.1', apiKeys: [], allowRemote: false }));
  assert.doesNotThrow(() => assertSafeBind({ host: '::1', apiKeys: [], allowRemote: false }));
});
