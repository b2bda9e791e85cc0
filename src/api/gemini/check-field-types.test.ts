import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFieldTypes } from './check-field-types.js';

const check = (body: Record<string, unknown>) => checkFieldTypes(body, 'GenerateContentRequest');

test('numbers sent as strings are coerced (proto3 JSON)', () => {
  const body = { contents: [], generationConfig: { maxOutputTokens: '64', candidateCount: '2', topK: '40', seed: '-7', temperature: '0.5', topP: '1' } };
  assert.equal(check(body), undefined);
  assert.deepEqual(body.generationConfig, { maxOutputTokens: 64, candidateCount: 2, topK: 40, seed: -7, temperature: 0.5, topP: 1 });
});

test('type errors name the field in Google\'s words', () => {
  assert.deepEqual(check({ generationConfig: { temperature: 'hot' } }), {
    field: 'generation_config.temperature',
    description: `Invalid value at 'generation_config.temperature' (TYPE_FLOAT), "hot"`,
  });
  assert.equal(check({ generationConfig: { seed: 3812238859 } })?.description,
    `Invalid value at 'generation_config.seed' (TYPE_INT32), 3812238859`);
  assert.equal(check({ generationConfig: { maxOutputTokens: 6.5 } })?.field, 'generation_config.max_output_tokens');
  assert.equal(check({ generationConfig: { candidateCount: true } })?.description,
    `Invalid value at 'generation_config.candidate_count' (TYPE_INT32), true`);
  assert.equal(check({ contents: [{ parts: [{ text: 5 }] }] })?.description,
    `Invalid value at 'contents[0].parts[0].text' (TYPE_STRING), 5`);
  assert.equal(check({ generationConfig: 'x' })?.description,
    `Invalid value at 'generation_config' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig), "x"`);
  assert.equal(check({ safetySettings: [{ category: 'NOPE', threshold: 'BLOCK_NONE' }] })?.description,
    `Invalid value at 'safety_settings[0].category' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), "NOPE"`);
  assert.deepEqual(check({ safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_SOME' }] }), {
    field: 'safety_settings[0].threshold',
    description: `Invalid value at 'safety_settings[0].threshold' (type.googleapis.com/google.ai.generativelanguage.v1beta.SafetySetting.HarmBlockThreshold), "BLOCK_SOME"`,
  });
  assert.equal(check({ safetySettings: [{ category: 'HARM_CATEGORY_IMAGE_HATE', threshold: 'OFF' }] })?.field, 'safety_settings[0].category');
  assert.equal(check({ generationConfig: { stopSequences: ['a', 1] } })?.field, 'generation_config.stop_sequences[1]');
  assert.equal(check({ generationConfig: { responseLogprobs: 'yes' } })?.field, 'generation_config.response_logprobs');
  assert.equal(check({ generationConfig: { temperature: 'NaN' } })?.field, 'generation_config.temperature');
});

test('null means unset; a single value where a list is expected becomes a list', () => {
  const body: Record<string, any> = { contents: { parts: { text: 'hi' } }, generationConfig: { temperature: null, stopSequences: 'END' } };
  assert.equal(check(body), undefined);
  assert.deepEqual(body, { contents: [{ parts: [{ text: 'hi' }] }], generationConfig: { stopSequences: ['END'] } });
  assert.equal(check({ contents: [null] })?.field, 'contents[0]');
});

test('enums match in any case and are stored uppercase; user data is not checked', () => {
  const body: Record<string, any> = {
    contents: [{ parts: [{ functionCall: { name: 'f', args: { anything: [1, { deep: null }] } } }] }],
    tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string', minItems: '2' } } } }] }],
    generationConfig: { responseModalities: ['text'] },
  };
  assert.equal(check(body), undefined);
  const params = body.tools[0].functionDeclarations[0].parameters;
  assert.equal(params.type, 'OBJECT');
  assert.deepEqual(params.properties.a, { type: 'STRING', minItems: 2 });
  assert.deepEqual(body.generationConfig.responseModalities, ['TEXT']);
  assert.equal(check({ tools: [{ functionDeclarations: [{ name: 'f', parameters: { properties: { a: { type: 7 } } } }] }] })?.field,
    'tools[0].function_declarations[0].parameters.properties[a].type');
});

test('unknown fields are ignored', () => {
  assert.equal(check({ contents: [], notAField: { whatever: 1 }, generationConfig: { bananaField: 'x' } }), undefined);
});

test('over-deep nesting is a 400, not a stack overflow', () => {
  let schema: Record<string, unknown> = { type: 'STRING' };
  for (let i = 0; i < 10_000; i++) schema = { items: schema };
  const bad = check({ generationConfig: { responseSchema: schema } });
  assert.match(bad?.description ?? '', /nesting/);
});

test('countTokens: both shapes are checked', () => {
  assert.equal(checkFieldTypes({ generateContentRequest: { contents: [{ parts: [{ text: 1 }] }] } }, 'CountTokensRequest')?.field,
    'generate_content_request.contents[0].parts[0].text');
  assert.equal(checkFieldTypes({ contents: [{ role: 3 }] }, 'CountTokensRequest')?.field, 'contents[0].role');
});

test('what converters rely on and no longer check: a Schema type of the enum, integral counts, int32 budgets and logprobs', () => {
  assert.deepEqual(check({ generationConfig: { responseSchema: { type: 'DATE' } } }), {
    field: 'generation_config.response_schema.type',
    description: `Invalid value at 'generation_config.response_schema.type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), "DATE"`,
  });
  assert.equal(check({ tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'WHAT' } }] }] })?.field,
    'tools[0].function_declarations[0].parameters.type');
  assert.equal(check({ generationConfig: { responseSchema: { type: 'ARRAY', maxItems: 'many' } } })?.field, 'generation_config.response_schema.max_items');
  assert.equal(check({ generationConfig: { thinkingConfig: { thinkingBudget: 1.5 } } })?.field, 'generation_config.thinking_config.thinking_budget');
  assert.equal(check({ generationConfig: { logprobs: 2.5 } })?.field, 'generation_config.logprobs');
});
