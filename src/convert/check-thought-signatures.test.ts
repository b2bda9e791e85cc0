import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Content } from '../api/gemini/types.js';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import type { EngineCapabilities } from '../core/engine.js';
import { isGemserveError } from '../core/errors.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { checkThoughtSignatures, validatesThoughtSignatures } from './check-thought-signatures.js';
import { ThoughtSigner } from './thought-signer.js';

const signer = new ThoughtSigner(Buffer.alloc(32, 3));
const ours = signer.sign('r', 0, { kind: 'call', index: 0 });
const engine = (caps: Partial<EngineCapabilities> = {}) => Object.assign(new FakeEngine(), { capabilities: { maxCandidates: 1, contextTokens: 4096, ...caps } });
const ids = ['gemini-3.1-pro-preview', 'gemini-2.5-flash', 'gemini-3-pro-image'];
const local = new ModelCatalog(ids.map((id) => ({ id, engine: engine() })));
const upstream = new ModelCatalog(ids.map((id) => ({ id, engine: engine({ thoughtSignatures: true }) })));
const check = (contents: Content[], id = 'gemini-3.1-pro-preview', catalog = local) => checkThoughtSignatures(contents, catalog.get(id)!, signer);

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const call = (name: string, thoughtSignature?: string): Content => ({
  role: 'model', parts: [{ functionCall: { name, args: {} }, ...(thoughtSignature ? { thoughtSignature } : {}) }, { functionCall: { name: 'second', args: {} } }],
});
const answer = (name: string): Content => ({ role: 'user', parts: [{ functionResponse: { name, response: { ok: true } } }] });

function bad(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isGemserveError(e));
    assert.equal(e.httpStatus, 400);
    assert.equal(e.status, 'INVALID_ARGUMENT');
    assert.match(e.message, message);
    return true;
  });
}

test('Gemini 3 and later validate (a -latest alias by its target); 2.5 and Gemini 3 Pro Image do not', () => {
  const def = (id: string) => local.get(id)!.definition;
  assert.equal(validatesThoughtSignatures(def('gemini-3.1-pro-preview')), true);
  assert.equal(validatesThoughtSignatures(local.resolve('gemini-pro-latest', 'v1beta', 'generateContent').definition), true);
  assert.equal(validatesThoughtSignatures(def('gemini-2.5-flash')), false);
  assert.equal(validatesThoughtSignatures(def('gemini-3-pro-image')), false);
});

test('the current turn\'s steps must carry their first call\'s signature: Google\'s 400 names the call and the content\'s position', () => {
  check([user('weather?'), call('get_weather', ours), answer('get_weather')]);
  bad(() => check([user('weather?'), call('get_weather'), answer('get_weather')]),
    /^Function call is missing a thought_signature in functionCall parts\. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance\. Additional data, function call `default_api:get_weather` , position 2\. Please refer to https:\/\/ai\.google\.dev\/gemini-api\/docs\/thought-signatures for more details\.$/);
  // A second step of the same turn is checked too.
  bad(() => check([user('weather?'), call('a', ours), answer('a'), call('b'), answer('b')]), /`default_api:b` , position 4\./);
  // Earlier turns are not validated; nor are models before Gemini 3, nor Gemini 3 Pro Image.
  check([user('weather?'), call('a'), answer('a'), { role: 'model', parts: [{ text: 'rain' }] }, user('thanks')]);
  check([user('weather?'), call('get_weather'), answer('get_weather')], 'gemini-2.5-flash');
  check([user('weather?'), call('get_weather'), answer('get_weather')], 'gemini-3-pro-image');
});

test('Google\'s dummies pass; gemserve\'s must verify; others are Google\'s "Corrupted thought signature." unless the engine judges its own', () => {
  check([user('q'), call('f', 'skip_thought_signature_validator'), answer('f')]);
  check([user('q'), call('f', 'context_engineering_is_the_way_to_go'), answer('f')]);
  bad(() => check([user('q'), call('f', new ThoughtSigner().sign('r', 0, { kind: 'call', index: 0 })), answer('f')]), /^Corrupted thought signature\.$/);
  bad(() => check([user('q'), call('f', 'EjQKMgEMOdbHJ4dI'), answer('f')]), /^Corrupted thought signature\.$/);
  check([user('q'), call('f', 'EjQKMgEMOdbHJ4dI'), answer('f')], 'gemini-3.1-pro-preview', upstream);
  bad(() => check([user('q'), call('f', `${ours.slice(0, -4)}AAAA`), answer('f')], 'gemini-3.1-pro-preview', upstream), /^Corrupted/);
  bad(() => check([user('q'), call('f'), answer('f')], 'gemini-3.1-pro-preview', upstream), /missing a thought_signature/);
});

test('another gemserve\'s signature (another key) is for an upstream engine to judge; an edited one of ours never is', () => {
  const theirs = new ThoughtSigner(Buffer.alloc(32, 7)).sign('r', 0, { kind: 'call', index: 0 });
  assert.ok(signer.namesThisKey(ours));
  assert.ok(!signer.namesThisKey(theirs));
  check([user('q'), call('f', theirs), answer('f')], 'gemini-3.1-pro-preview', upstream);
  bad(() => check([user('q'), call('f', theirs), answer('f')]), /^Corrupted thought signature\.$/);
  bad(() => check([user('q'), call('f', `${ours.slice(0, -4)}AAAA`), answer('f')], 'gemini-3.1-pro-preview', upstream), /^Corrupted/);
});
