/**
 * Thought signatures as Gemini 3 requires them (ai.google.dev/gemini-api/docs/thought-signatures),
 * through `@google/genai`: gemserve signs the first function call of each step and, without a
 * call, the last part (streamed too); on Gemini 3 names a current-turn call sent back without its
 * signature is Google's 400, Google's dummy passes, and a signature gemserve did not issue is
 * Google's "Corrupted thought signature." (src/convert/check-thought-signatures.ts). Behind the
 * gemini-upstream engine Google's own signatures go through byte for byte, both ways (the scripted
 * fake Gemini API in test/fixtures/fake-gemini-upstream.ts signs like Google).
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionCallingConfigMode, type Content, type GenerateContentResponse, type Part } from '@google/genai';
import { ThoughtSigner } from '../../src/convert/thought-signer.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { GeminiUpstreamEngine } from '../../src/engines/gemini-upstream/gemini-upstream-engine.js';
import { fakeGoogleSignature, startFakeGeminiUpstream, type ScriptedUpstream } from '../fixtures/fake-gemini-upstream.js';
import { genai, sdkError } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const PRO = 'gemini-3.1-pro-preview';
const FLASH_25 = 'gemini-2.5-flash';
const KEY = Buffer.alloc(32, 42);
const signer = new ThoughtSigner(KEY);
const weather = {
  name: 'get_weather',
  parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const tools = [{ functionDeclarations: [weather] }];
const question: Content = { role: 'user', parts: [{ text: 'What is the weather in Oslo?' }] };
const result = (id?: string): Content => ({ role: 'user', parts: [{ functionResponse: { ...(id ? { id } : {}), name: 'get_weather', response: { output: 'rain' } } }] });
const partsOf = (chunks: GenerateContentResponse[]) => chunks.flatMap((c) => c.candidates?.[0].content?.parts ?? []);

async function collect(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const out: GenerateContentResponse[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

describe('thought signatures on local engines (contract, @google/genai)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: PRO, engine: new FakeEngine() }, { id: FLASH_25, engine: new FakeEngine() }], thoughtSignatureKey: KEY });
  });
  after(async () => server?.close());

  it('a function-calling loop on gemini-3.1-pro-preview: the SDK echoes the signature and the loop goes on', async () => {
    const chat = genai(server.baseUrl).chats.create({ model: PRO, config: { tools } });
    const first = await chat.sendMessage({ message: 'What is the weather in Oslo?' });
    const call = first.candidates![0].content!.parts!.find((p) => p.functionCall)!;
    assert.equal(call.functionCall!.name, 'get_weather');
    assert.ok(signer.verify(call.thoughtSignature!), 'the first call carries a signature this server issued');
    const second = await chat.sendMessage({ message: { functionResponse: { id: call.functionCall!.id, name: 'get_weather', response: { output: 'rain' } } } });
    assert.ok((second.text ?? '').length > 0, 'the model answers after the function result');
    const last = second.candidates![0].content!.parts!.at(-1)!;
    assert.ok(signer.verify(last.thoughtSignature!), 'an answer without a call is signed on its last part');
    assert.equal(second.candidates![0].content!.parts!.filter((p) => p.thoughtSignature).length, 1);
  });

  it('streamed: the first call is signed; without a call, the finishing chunk\'s last part', async () => {
    const ai = genai(server.baseUrl);
    const called = partsOf(await collect(await ai.models.generateContentStream({
      model: PRO, contents: [question], config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } },
    })));
    assert.ok(signer.verify(called.find((p) => p.functionCall)!.thoughtSignature!));
    const chunks = await collect(await ai.models.generateContentStream({ model: PRO, contents: 'Hello' }));
    const signed = partsOf(chunks).filter((p) => p.thoughtSignature);
    assert.equal(signed.length, 1);
    assert.ok(signer.verify(signed[0].thoughtSignature!));
    assert.equal(chunks.at(-1)!.candidates![0].content!.parts!.at(-1)!.thoughtSignature, signed[0].thoughtSignature);
    assert.ok(chunks.at(-1)!.candidates![0].finishReason);
  });

  it('a hand-built history with the signature removed: Google\'s 400; the dummy and a signed history pass', async () => {
    const ai = genai(server.baseUrl);
    const r = await ai.models.generateContent({ model: PRO, contents: [question], config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } } });
    const model = r.candidates![0].content!;
    const call = model.parts!.find((p) => p.functionCall)!;
    const history = (parts: Part[]) => [question, { role: 'model', parts }, result(call.functionCall!.id)];

    const { body } = await sdkError(ai.models.generateContent({ model: PRO, contents: history([{ functionCall: call.functionCall }]), config: { tools } }), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message,
      'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing ' +
      'thought_signature may lead to degraded model performance. Additional data, function call `default_api:get_weather` , position 2. ' +
      'Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.');
    await sdkError(ai.models.generateContentStream({ model: PRO, contents: history([{ functionCall: call.functionCall }]), config: { tools } }), 400, 'INVALID_ARGUMENT');

    for (const thoughtSignature of ['skip_thought_signature_validator', call.thoughtSignature!]) {
      const ok = await ai.models.generateContent({ model: PRO, contents: history([{ functionCall: call.functionCall, thoughtSignature }]), config: { tools } });
      assert.equal(ok.candidates![0].finishReason, 'STOP');
    }
    // The same history on a model before Gemini 3: signatures are accepted back, never required.
    await ai.models.generateContent({ model: FLASH_25, contents: history([{ functionCall: call.functionCall }]), config: { tools } });
    // An earlier turn is not validated: a new user message starts a new turn.
    await ai.models.generateContent({ model: PRO, contents: [...history([{ functionCall: call.functionCall }]), { role: 'model', parts: [{ text: 'Rain.' }] }, { role: 'user', parts: [{ text: 'Thanks!' }] }] });
  });

  it('a signature gemserve did not issue (edited, or another server\'s) is Google\'s "Corrupted thought signature."', async () => {
    const ai = genai(server.baseUrl);
    const r = await ai.models.generateContent({ model: PRO, contents: [question], config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } } });
    const call = r.candidates![0].content!.parts!.find((p) => p.functionCall)!;
    const bytes = Buffer.from(call.thoughtSignature!, 'base64');
    bytes[bytes.length - 1] ^= 1;
    for (const thoughtSignature of [bytes.toString('base64'), new ThoughtSigner().sign(r.responseId!, 0, { kind: 'call', index: 0 }), 'EjQKMgEMOdbHJ4dI']) {
      const { body } = await sdkError(ai.models.generateContent({
        model: PRO, contents: [question, { role: 'model', parts: [{ functionCall: call.functionCall, thoughtSignature }] }, result()], config: { tools },
      }), 400, 'INVALID_ARGUMENT');
      assert.equal(body.error.message, 'Corrupted thought signature.');
    }
    // Another server with the same key (a restart, a replica) takes it.
    await using again = await startServer({ bindings: [{ id: PRO, engine: new FakeEngine() }], thoughtSignatureKey: KEY });
    await genai(again.baseUrl).models.generateContent({
      model: PRO, contents: [question, { role: 'model', parts: [{ functionCall: call.functionCall, thoughtSignature: call.thoughtSignature }] }, result()], config: { tools },
    });
  });
});

describe('thought signatures behind the gemini-upstream engine (contract, @google/genai)', () => {
  let fake: ScriptedUpstream;
  let server: TestServer;
  let engine: GeminiUpstreamEngine;
  before(async () => {
    fake = await startFakeGeminiUpstream();
    engine = new GeminiUpstreamEngine({ baseUrl: fake.url, apiKey: 'operator-key', model: PRO, timeoutMs: 2_000, retry: { maxAttempts: 1 } });
    server = await startServer({ bindings: [{ id: PRO, engine }, { id: 'gemini-3.8-flash', engine: new FakeEngine() }], thoughtSignatureKey: KEY });
  });
  after(async () => {
    await server?.close();
    await engine?.dispose();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  /** The parts of the model content in the request the upstream received last. */
  const sentModelParts = () => ((fake.requests.at(-1)!.body.contents as Content[]).find((c) => c.role === 'model')!.parts!);

  it('Google\'s signature reaches the client byte for byte and goes back to Google byte for byte; gemserve adds none', async () => {
    const chat = genai(server.baseUrl).chats.create({ model: PRO, config: { tools } });
    const first = await chat.sendMessage({ message: 'What is the weather in Oslo?' });
    const parts = first.candidates![0].content!.parts!;
    const call = parts.find((p) => p.functionCall)!;
    const google = JSON.parse(fake.requests[0].chunks.find((c) => c.includes('functionCall'))!).candidates[0].content.parts[0].thoughtSignature as string;
    assert.equal(call.thoughtSignature, google);
    assert.equal(parts.filter((p) => p.thoughtSignature).length, 1, 'no signature of gemserve\'s beside Google\'s');

    const second = await chat.sendMessage({ message: { functionResponse: { id: call.functionCall!.id, name: 'get_weather', response: { output: 'rain' } } } });
    assert.equal(sentModelParts().find((p) => p.functionCall)!.thoughtSignature, google, 'sent back to Google as received');
    const closing = second.candidates![0].content!.parts!.filter((p) => p.thoughtSignature).map((p) => p.thoughtSignature);
    assert.deepEqual(closing, [fakeGoogleSignature(Number(Buffer.from(google, 'base64').toString().split(':')[1]) + 1, 0)], 'Google\'s closing signature, not gemserve\'s');
  });

  it('streamed, Google\'s closing signature on its empty last part goes through', async () => {
    const chunks = await collect(await genai(server.baseUrl).models.generateContentStream({ model: PRO, contents: 'Hello' }));
    const signed = partsOf(chunks).filter((p) => p.thoughtSignature);
    assert.equal(signed.length, 1);
    assert.match(Buffer.from(signed[0].thoughtSignature!, 'base64').toString(), /fake-google-signature:/);
  });

  it('a signature gemserve cannot judge is Google\'s to judge: passed through; gemserve\'s own never reach Google', async () => {
    const ai = genai(server.baseUrl);
    const foreign = 'EjQKMgEMOdbHJ4dI';
    await ai.models.generateContent({ model: PRO, contents: [question, { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: foreign }] }, result()], config: { tools } });
    assert.equal(sentModelParts()[0].thoughtSignature, foreign);

    // A conversation begun on a local model (gemserve's signature) moves to the upstream model: Google gets its dummy instead.
    const local = await ai.models.generateContent({ model: 'gemini-3.8-flash', contents: [question], config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } } } });
    const call = local.candidates![0].content!.parts!.find((p) => p.functionCall)!;
    assert.ok(signer.verify(call.thoughtSignature!));
    await ai.models.generateContent({ model: PRO, contents: [question, { role: 'model', parts: [call] }, result(call.functionCall!.id)], config: { tools } });
    assert.equal(sentModelParts()[0].thoughtSignature, 'skip_thought_signature_validator');
    // Still, a missing one is refused before Google is asked, with Google's text.
    const before = fake.requests.length;
    await sdkError(ai.models.generateContent({ model: PRO, contents: [question, { role: 'model', parts: [{ functionCall: call.functionCall }] }, result()], config: { tools } }), 400, 'INVALID_ARGUMENT');
    assert.equal(fake.requests.length, before);
  });
});
