import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeFieldNames } from './normalize-field-names.js';

test('renames snake_case message fields at every depth', () => {
  const body: Record<string, unknown> = {
    system_instruction: { parts: [{ text: 'be brief' }] },
    contents: [{ role: 'user', parts: [{ inline_data: { mime_type: 'image/png', data: 'AA==' } }, { file_data: { file_uri: 'files/x' } }] }],
    generation_config: {
      max_output_tokens: 64, top_p: 0.5, top_k: 3, stop_sequences: ['x'], candidate_count: 1,
      presence_penalty: 0, frequency_penalty: 0, response_mime_type: 'text/plain', response_logprobs: false,
      thinking_config: { thinking_budget: 0, include_thoughts: false },
    },
    safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    tool_config: { function_calling_config: { mode: 'ANY', allowed_function_names: ['f'] } },
    cached_content: 'cachedContents/1',
  };
  normalizeFieldNames(body, 'GenerateContentRequest');
  assert.deepEqual(body, {
    systemInstruction: { parts: [{ text: 'be brief' }] },
    contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }, { fileData: { fileUri: 'files/x' } }] }],
    generationConfig: {
      maxOutputTokens: 64, topP: 0.5, topK: 3, stopSequences: ['x'], candidateCount: 1,
      presencePenalty: 0, frequencyPenalty: 0, responseMimeType: 'text/plain', responseLogprobs: false,
      thinkingConfig: { thinkingBudget: 0, includeThoughts: false },
    },
    safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } },
    cachedContent: 'cachedContents/1',
  });
});

test('leaves user data alone: call args, responses, schema property names, JSON schemas', () => {
  const body: Record<string, unknown> = {
    contents: [
      { role: 'model', parts: [{ function_call: { name: 'f', args: { user_id: 1, nested_obj: { a_b: 2 } } } }] },
      { role: 'user', parts: [{ function_response: { name: 'f', response: { result_value: 'ok' } } }] },
    ],
    tools: [{
      function_declarations: [{
        name: 'f',
        parameters: {
          type: 'OBJECT',
          properties: { user_id: { type: 'STRING', min_length: '1' } },
          property_ordering: ['user_id'],
          any_of: [{ type: 'STRING', max_length: 3 }],
          example: { some_key: 1 },
          default: { other_key: 2 },
        },
        parameters_json_schema: { properties: { snake_case: { type: 'string' } }, additional_properties: false },
      }],
      code_execution: {},
    }],
    generation_config: { response_json_schema: { max_items: 2 }, response_schema: { min_items: 1 } },
  };
  normalizeFieldNames(body, 'GenerateContentRequest');
  const contents = body.contents as any[];
  assert.deepEqual(contents[0].parts[0].functionCall.args, { user_id: 1, nested_obj: { a_b: 2 } });
  assert.deepEqual(contents[1].parts[0].functionResponse.response, { result_value: 'ok' });
  const decl = (body.tools as any[])[0].functionDeclarations[0];
  assert.deepEqual(Object.keys(decl.parameters.properties), ['user_id']);
  assert.deepEqual(decl.parameters.properties.user_id, { type: 'STRING', minLength: '1' });
  assert.deepEqual(decl.parameters.propertyOrdering, ['user_id']);
  assert.deepEqual(decl.parameters.anyOf, [{ type: 'STRING', maxLength: 3 }]);
  assert.deepEqual(decl.parameters.example, { some_key: 1 });
  assert.deepEqual(decl.parameters.default, { other_key: 2 });
  assert.deepEqual(decl.parametersJsonSchema, { properties: { snake_case: { type: 'string' } }, additional_properties: false });
  assert.deepEqual((body.tools as any[])[0].codeExecution, {});
  const gc = body.generationConfig as any;
  assert.deepEqual(gc.responseJsonSchema, { max_items: 2 });
  assert.deepEqual(gc.responseSchema, { minItems: 1 });
});

test('unknown keys are kept as they are; camelCase wins over a duplicate snake_case key', () => {
  const body: Record<string, unknown> = {
    contents: [{ parts: [{ text: 'x', some_unknown: 1 }] }],
    generationConfig: { temperature: 1 },
    generation_config: { temperature: 2 },
    not_a_field: true,
  };
  normalizeFieldNames(body, 'GenerateContentRequest');
  assert.deepEqual(body, {
    contents: [{ parts: [{ text: 'x', some_unknown: 1 }] }],
    generationConfig: { temperature: 1 },
    not_a_field: true,
  });
});

test('countTokens: the nested generate_content_request is normalised too', () => {
  const body: Record<string, unknown> = {
    generate_content_request: { model: 'models/x', contents: [{ parts: [{ text: 'a' }] }], system_instruction: { parts: [{ text: 's' }] } },
  };
  normalizeFieldNames(body, 'CountTokensRequest');
  assert.deepEqual(body, {
    generateContentRequest: { model: 'models/x', contents: [{ parts: [{ text: 'a' }] }], systemInstruction: { parts: [{ text: 's' }] } },
  });
});

test('a schema nested beyond the limit does not exhaust the stack', () => {
  let schema: Record<string, unknown> = { type: 'STRING' };
  for (let i = 0; i < 10_000; i++) schema = { items: schema };
  const body = { generationConfig: { responseSchema: schema }, contents: [] };
  assert.doesNotThrow(() => normalizeFieldNames(body, 'GenerateContentRequest'));
});
