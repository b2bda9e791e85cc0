/**
 * Admission under overload (issue 14, item 2): when the engine's scheduler has every slot busy
 * and its queue full, the generation service refuses a request first, with the 503 and
 * `Retry-After`, before rate limits, parsing, media, conversion or the engine see it: the refusal
 * is not usage and takes no quota (the HTTP transport refuses the same before reading the body).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelCatalog } from '../../src/core/catalog/model-catalog.js';
import type { GenerateEvent, GenerateInput } from '../../src/core/engine.js';
import { isGemserveError } from '../../src/core/errors.js';
import type { SchedulerStats } from '../../src/core/scheduler.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { ANONYMOUS_CALLER } from '../../src/gateway/caller.js';
import { RateLimiter } from '../../src/gateway/limits/rate-limiter.js';
import { GenerationService } from '../../src/generation/generation-service.js';
import type { UsageRecord } from '../../src/gateway/usage-record.js';

const MODEL = 'gemini-2.0-flash';

/** The fake engine reporting a scheduler state, counting the generations it was asked for. */
class BusyEngine extends FakeEngine {
  full = true;
  streams = 0;
  stats(): SchedulerStats {
    return { busy: 2, queued: this.full ? 4 : 3, slots: 2, maxQueue: 4 };
  }
  override stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    this.streams++;
    return super.stream(input);
  }
}

function setUp(rpm?: number) {
  const engine = new BusyEngine();
  const usage: UsageRecord[] = [];
  const limits = new RateLimiter({ defaults: { rpm } });
  const service = new GenerationService({ catalog: new ModelCatalog([{ id: MODEL, engine }]), limits, usageSinks: [(r) => { usage.push(r); }] });
  const call = (method: string, body: unknown) => ({
    caller: ANONYMOUS_CALLER, model: service.resolveModel(ANONYMOUS_CALLER, MODEL, 'v1beta', method), requestedModel: MODEL, method,
    signal: new AbortController().signal, body,
  });
  return { engine, usage, service, call, limits };
}

// A fileData part would need the Files API (absent here): refused before media, it is never looked at.
const BODY = { contents: [{ role: 'user', parts: [{ text: 'hi' }, { fileData: { fileUri: 'files/none', mimeType: 'image/png' } }] }] };

describe('the generation service under overload', () => {
  for (const method of ['generateContent', 'streamGenerateContent'] as const) {
    it(`${method}: a full queue is a 503 with Retry-After, before limits, parsing, media and the engine; no usage, no quota`, async () => {
      const { engine, usage, service, call, limits } = setUp(1);
      for (const body of [BODY, { contents: 'malformed' }]) {
        const run = method === 'generateContent' ? service.generate(call(method, body)) : service.stream(call(method, body));
        await assert.rejects(run, (e: unknown) => {
          assert.ok(isGemserveError(e));
          assert.equal(e.code, 'OVERLOADED');
          assert.equal(e.headers['retry-after'], '1');
          return true;
        });
      }
      assert.equal(engine.streams, 0);
      assert.deepEqual(usage, []);
      // The key's one request a minute is still there.
      assert.deepEqual(await limits.admit(ANONYMOUS_CALLER, MODEL), { admitted: true });
    });
  }

  it('a queue with room admits, and a malformed request is its 400 then', async () => {
    const { engine, service, call } = setUp();
    engine.full = false;
    await assert.rejects(service.generate(call('generateContent', { contents: 'nope' })), (e: unknown) => isGemserveError(e) && e.httpStatus === 400);
    const answer = await service.generate(call('generateContent', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }));
    assert.ok(answer.response.candidates?.length);
    assert.equal(engine.streams, 1);
  });
});
