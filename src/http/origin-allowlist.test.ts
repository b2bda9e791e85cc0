import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOriginAllowlist, splitHostHeader } from './origin-allowlist.js';

test('loopback and desktop-app origins are allowed by default; web origins and null are not', () => {
  const a = createOriginAllowlist();
  for (const o of ['http://localhost', 'http://localhost:5173', 'https://127.0.0.1:8443', 'http://[::1]:3000', 'HTTP://LOCALHOST:1', 'app://obsidian.md', 'tauri://localhost', 'file://']) {
    assert.ok(a.allowsOrigin(o), o);
  }
  for (const o of ['https://evil.example', 'http://localhost.evil.example', 'http://127.0.0.1.evil.example', 'null', 'http://0.0.0.0:8080', 'chrome-extension://abc']) {
    assert.ok(!a.allowsOrigin(o), o);
  }
  assert.equal(a.any, false);
  assert.ok(!a.allowsHost('localhost'), 'loopback hosts are check-host\'s business, not the list\'s');
});

test('listed origins: exact, * for one label or a port, * alone for any', () => {
  const a = createOriginAllowlist(['https://app.example.com/', 'https://*.example.org', 'http://192.168.1.5:*', 'chrome-extension://*']);
  for (const o of ['https://app.example.com', 'https://a.example.org', 'http://192.168.1.5:8080', 'chrome-extension://abcdef']) assert.ok(a.allowsOrigin(o), o);
  for (const o of ['http://app.example.com', 'https://app.example.com:444', 'https://example.org', 'https://a.b.example.org', 'https://evilexample.org',
    'https://a.example.org.evil.test', 'http://192.168.1.6:8080']) {
    assert.ok(!a.allowsOrigin(o), o);
  }
  for (const h of ['app.example.com', 'x.example.org', '192.168.1.5']) assert.ok(a.allowsHost(h), h);
  for (const h of ['evil.example', 'example.org', 'abcdef']) assert.ok(!a.allowsHost(h), h);
  const any = createOriginAllowlist(['*']);
  assert.ok(any.any && any.allowsOrigin('https://evil.example') && any.allowsHost('evil.example'));
});

test('splitHostHeader', () => {
  assert.deepEqual(splitHostHeader('LocalHost:8080'), { hostname: 'localhost', port: '8080' });
  assert.deepEqual(splitHostHeader('[::1]:80'), { hostname: '[::1]', port: '80' });
  assert.deepEqual(splitHostHeader('example.com'), { hostname: 'example.com' });
  assert.equal(splitHostHeader('a b'), undefined);
  assert.equal(splitHostHeader('[zz]:1'), undefined);
});
