/**
 * A routed model through `@google/genai`: traffic split by weight shows which engine took each
 * request (the `x-gemserve-engine` header and `gemserve_engine_requests_total`), a failing route
 * falls back without the app noticing, and upstream failures are counted in
 * `gemserve_upstream_errors_total`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine, GenerateEvent } from '../../src/core/engine.js';
import { Errors } from '../../src/core/errors.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { GeminiUpstreamEngine } from '../../src/engines/gemini-upstream/gemini-upstream-engine.js';
import { RoutedEngine } from '../../src/engines/routed/routed-engine.js';
import { GatewayMetrics } from '../../src/gateway/metrics/gateway-metrics.js';
import { googleError, startFakeGeminiUpstream, type ScriptedUpstream } from '../fixtures/fake-gemini-upstream.js';
import { genai, postJson, sdkError } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const ROUTED = 'gemini-2.0-flash';
const UPSTREAM = 'gemini-2.5-flash';

/** An engine whose queue is always full: fails before any output, as an overloaded engine does. */
function overloaded(label: string): Engine {
  return Object.assign(new FakeEngine({ label }), {
    async *stream(): AsyncGenerator<GenerateEvent> { throw Errors.overloaded(); },
  });
}

describe('routing and upstream metrics (contract)', () => {
  let server: TestServer;
  let metrics: GatewayMetrics;
  let fake: ScriptedUpstream;
  let upstream: GeminiUpstreamEngine;
  const picks = [0.05, 0.95, 0.5];
  before(async () => {
    fake = await startFakeGeminiUpstream();
    upstream = new GeminiUpstreamEngine({ baseUrl: fake.url, apiKey: 'k', model: UPSTREAM, retry: { maxAttempts: 1 } });
    metrics = new GatewayMetrics();
    const routed = new RoutedEngine({
      routes: [{ engine: new FakeEngine({ label: 'stable' }), weight: 90 }, { engine: overloaded('canary'), weight: 10 }],
      fallback: [new FakeEngine({ label: 'spare' })],
      random: () => picks.shift() ?? 0.5,
    });
    server = await startServer({ bindings: [{ id: ROUTED, engine: routed }, { id: UPSTREAM, engine: upstream }], metrics, usageSinks: [] });
  });
  after(async () => {
    await server?.close();
    await upstream?.dispose();
    await fake?.close();
  });

  it('each request names the engine that took it; a failing canary falls back unseen', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await postJson(`${server.baseUrl}/v1beta/models/${ROUTED}:generateContent?key=k`, { contents: [{ parts: [{ text: `hi ${i}` }] }] });
      assert.equal(res.status, 200);
      seen.push(res.headers.get('x-gemserve-engine') ?? '');
    }
    // 0.05 → stable; 0.95 → canary (overloaded) → stable, the other route; 0.5 → stable.
    assert.deepEqual(seen, ['stable', 'stable', 'stable']);
    const text = await metrics.metrics();
    assert.match(text, /gemserve_engine_requests_total\{model="gemini-2\.0-flash",engine="stable",status="200"\} 3/);
  });

  it('an upstream failure is counted by engine and kind', async () => {
    fake.script({ kind: 'status', status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.') });
    await sdkError(genai(server.baseUrl).models.generateContent({ model: UPSTREAM, contents: 'x', config: { thinkingConfig: { thinkingBudget: 0 } } }), 400, 'INVALID_ARGUMENT');
    assert.match(await metrics.metrics(), new RegExp(`gemserve_upstream_errors_total\\{engine="${upstream.label.replace(/[.:]/g, '\\$&')}",kind="rejected"\\} 1`));
  });
});
