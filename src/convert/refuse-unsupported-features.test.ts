import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenerateContentRequest, GenerationConfig } from '../api/gemini/types.js';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import { isGemserveError } from '../core/errors.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { refuseUnsupportedFeatures, refuseUnsupportedInputs } from './refuse-unsupported-features.js';

/** An engine that can do nothing but text, whatever the fake engine grows. */
const textOnly = () => Object.assign(new FakeEngine(), { capabilities: { maxCandidates: 8, contextTokens: 32_768 } });
const catalog = new ModelCatalog([
  { id: 'gemini-2.0-flash', engine: textOnly() },
  { id: 'gemini-2.5-flash', engine: textOnly() },
  { id: 'gemini-2.0-flash-exp-image-generation', engine: textOnly() },
]);
const contents = [{ parts: [{ text: 'hi' }] }];
const refuse = (req: Partial<GenerateContentRequest>, id = 'gemini-2.0-flash') =>
  refuseUnsupportedFeatures({ contents, ...req }, catalog.get(id)!);
const config = (generationConfig: GenerationConfig, id?: string) => refuse({ generationConfig }, id);

function refused(fn: () => void, status: number, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isGemserveError(e));
    assert.equal(e.httpStatus, status);
    assert.match(e.message, message);
    return true;
  });
}

test('what the engines can do passes', () => {
  refuse({});
  config({ responseMimeType: 'text/plain', responseModalities: ['TEXT'], thinkingConfig: { thinkingBudget: 0, includeThoughts: false }, candidateCount: 8 });
  refuse({ tools: [], toolConfig: { functionCallingConfig: { mode: 'NONE' } } });
  refuse({ tools: [{ functionDeclarations: [] }] });
  refuse({ safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] });
});

test('structured output passes for an engine with structuredOutput: JSON and enum only', () => {
  const engine = textOnly();
  Object.assign(engine, { capabilities: { ...engine.capabilities, structuredOutput: true } });
  const entry = new ModelCatalog([{ id: 'gemini-2.0-flash', engine }]).get('gemini-2.0-flash')!;
  const with_ = (generationConfig: GenerationConfig) => refuseUnsupportedFeatures({ contents, generationConfig }, entry);
  with_({ responseMimeType: 'application/json' });
  with_({ responseMimeType: 'application/json', responseSchema: { type: 'STRING' } });
  with_({ responseMimeType: 'application/json', responseJsonSchema: { type: 'string' } });
  with_({ responseMimeType: 'text/x.enum', responseSchema: { type: 'STRING', enum: ['a'] } });
  refused(() => with_({ responseMimeType: 'application/xml' }), 400, /Structured output \(responseMimeType application\/xml\)/);
  refused(() => with_({ responseMimeType: 'application/yaml' }), 400, /Structured output/);
  refused(() => with_({ responseSchema: { type: 'STRING' } }), 400, /need responseMimeType `application\/json`/);
  refused(() => with_({ responseMimeType: 'text/plain', responseJsonSchema: {} }), 400, /need responseMimeType/);
});

test('structured output, extra modalities are refused, not downgraded', () => {
  refused(() => config({ responseMimeType: 'application/json' }), 400, /Structured output \(responseMimeType application\/json\) is not supported by models\/gemini-2.0-flash/);
  refused(() => config({ responseSchema: { type: 'STRING' } }), 400, /Structured output/);
  refused(() => config({ responseJsonSchema: { type: 'string' } }), 400, /Structured output/);
  refused(() => config({ responseMimeType: 'image/png' }), 400, /allowed mimetypes are `text\/plain`, `application\/json`/);
  refused(() => config({ responseModalities: ['TEXT', 'IMAGE'] }), 400,
    /^The requested combination of response modalities \(TEXT, IMAGE\) is not supported by the model\. models\/gemini-2\.0-flash accepts the following combination of response modalities:\n\* TEXT\n$/);
  refused(() => config({ responseModalities: ['TEXT', 'IMAGE'] }, 'gemini-2.0-flash-exp-image-generation'), 400, /Output of type IMAGE .*engine bound to it cannot do it/);
});

test('more candidates than the engine offers', () => {
  const base = catalog.get('gemini-2.0-flash')!;
  const oneCandidate = { ...base, engine: Object.assign(Object.create(base.engine), { capabilities: { maxCandidates: 1, contextTokens: 4096 } }) };
  refuseUnsupportedFeatures({ contents, generationConfig: { candidateCount: 1 } }, oneCandidate);
  refused(() => refuseUnsupportedFeatures({ contents, generationConfig: { candidateCount: 2 } }, oneCandidate), 400, /candidateCount 2 \(at most 1\)/);
});

test('tools', () => {
  refused(() => refuse({ tools: [{ functionDeclarations: [{ name: 'f' }] }] }), 400, /Function calling \(tools\.functionDeclarations\)/);
  refused(() => refuse({ tools: [{ codeExecution: {} }] }), 400, /Code execution \(tools\.codeExecution\): no sandbox/);
  refuseUnsupportedFeatures({ contents, tools: [{ codeExecution: {} }] }, catalog.get('gemini-2.0-flash')!, { codeExecution: true });
  refused(() => refuse({ tools: [{ googleSearch: {} }] }), 400, /Google Search/);
  // countTokens refuses only what it cannot count.
  refuseUnsupportedInputs({ contents, generationConfig: { responseMimeType: 'application/json' } }, catalog.get('gemini-2.0-flash')!);
  refused(() => refuseUnsupportedInputs({ contents, tools: [{ functionDeclarations: [{ name: 'f' }] }] }, catalog.get('gemini-2.0-flash')!), 400, /Function calling/);
});

test('function declarations pass for an engine with functionCalling, but not with JSON output', () => {
  const engine = Object.assign(textOnly(), { capabilities: { maxCandidates: 8, contextTokens: 4096, functionCalling: true, structuredOutput: true } });
  const entry = new ModelCatalog([{ id: 'gemini-2.0-flash', engine }]).get('gemini-2.0-flash')!;
  const tools = [{ functionDeclarations: [{ name: 'f' }] }];
  refuseUnsupportedFeatures({ contents, tools }, entry);
  refused(() => refuseUnsupportedFeatures({ contents, tools, generationConfig: { responseMimeType: 'application/json' } }, entry), 400,
    /^Function calling with a response mime type: 'application\/json' is unsupported$/);
});
