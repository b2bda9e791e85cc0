import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenerateContentRequest, GenerationConfig } from './types.js';
import { validateCountTokensRequest } from './validate-count-tokens-request.js';
import { validateGenerateContentRequest } from './validate-generate-content-request.js';

const ok = [{ role: 'user' as const, parts: [{ text: 'hi' }] }];
const withConfig = (generationConfig: GenerationConfig) => validateGenerateContentRequest({ contents: ok, generationConfig });

test('a plain request passes', () => {
  assert.equal(validateGenerateContentRequest({ contents: ok }), undefined);
  assert.equal(validateGenerateContentRequest({ contents: [{ parts: [{ text: '' }] }] }), undefined);
});

test('contents are required, with non-empty parts and valid roles (Google\'s texts)', () => {
  assert.deepEqual(validateGenerateContentRequest({} as GenerateContentRequest), {
    field: 'contents',
    description: '* GenerateContentRequest.contents: contents is not specified\n',
  });
  assert.equal(validateGenerateContentRequest({ contents: [] })?.field, 'contents');
  assert.deepEqual(validateGenerateContentRequest({ contents: [...ok, { role: 'model', parts: [] }] }), {
    field: 'contents[1].parts',
    description: '* GenerateContentRequest.contents[1].parts: contents.parts must not be empty.\n',
  });
  assert.deepEqual(validateGenerateContentRequest({ contents: [{ role: 'assistant' as any, parts: [{ text: 'x' }] }] }), {
    field: 'contents[0].role',
    description: 'Please use a valid role: user, model.',
  });
  assert.equal(validateGenerateContentRequest({ contents: [{ role: 'system', parts: [{ text: 'x' }] }] })?.field, 'contents[0].role');
  assert.deepEqual(validateGenerateContentRequest({ contents: [{ parts: [{}] }] }), {
    field: 'contents[0].parts[0].data',
    description: "* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field\n",
  });
  assert.equal(validateGenerateContentRequest({ contents: [{ parts: [{ text: 'a', inlineData: { mimeType: 'x', data: '' } }] }] })?.field,
    'contents[0].parts[0]');
  assert.equal(validateGenerateContentRequest({ contents: ok, systemInstruction: { parts: [] } })?.field, 'system_instruction.parts');
});

test('generation config ranges', () => {
  assert.deepEqual(withConfig({ temperature: 5 }), {
    field: 'generation_config.temperature',
    description: '* GenerateContentRequest.generation_config.temperature: temperature must be in the range [0.0, 2.0].\n',
  });
  assert.equal(withConfig({ temperature: 0 }), undefined);
  assert.equal(withConfig({ temperature: 2 }), undefined);
  assert.equal(withConfig({ topP: 1.5 })?.description, '* GenerateContentRequest.generation_config.top_p: top_p must be in the range [0.0, 1.0].\n');
  assert.equal(withConfig({ topK: -1 })?.field, 'generation_config.top_k');
  assert.equal(withConfig({ topK: 0 }), undefined, 'Google answers 200 to top_k 0');
  assert.equal(withConfig({ candidateCount: 9 })?.description,
    '* GenerateContentRequest.generation_config.candidate_count: candidate_count must be in the range [1, 8].\n');
  assert.equal(withConfig({ candidateCount: 0 })?.field, 'generation_config.candidate_count');
  assert.equal(withConfig({ candidateCount: 8 }), undefined);
  assert.equal(withConfig({ maxOutputTokens: 0 })?.field, 'generation_config.max_output_tokens');
  assert.equal(withConfig({ stopSequences: ['1', '2', '3', '4', '5', '6'] })?.field, 'generation_config.stop_sequences');
  assert.equal(withConfig({ stopSequences: ['1', '2', '3', '4', '5'] }), undefined);
  assert.equal(withConfig({ presencePenalty: -2.5 })?.field, 'generation_config.presence_penalty');
  assert.equal(withConfig({ frequencyPenalty: 2.01 })?.field, 'generation_config.frequency_penalty');
  assert.equal(withConfig({ presencePenalty: 2, frequencyPenalty: -2 }), undefined);
});

test('safety settings: only the five Gemini categories', () => {
  const categories = ['HARM_CATEGORY_HARASSMENT', 'HARM_CATEGORY_HATE_SPEECH', 'HARM_CATEGORY_SEXUALLY_EXPLICIT', 'HARM_CATEGORY_DANGEROUS_CONTENT', 'HARM_CATEGORY_CIVIC_INTEGRITY'] as const;
  assert.equal(validateGenerateContentRequest({ contents: ok, safetySettings: categories.map((category) => ({ category, threshold: 'BLOCK_NONE' })) }), undefined);
  assert.deepEqual(validateGenerateContentRequest({ contents: ok, safetySettings: [{ category: 'HARM_CATEGORY_UNSPECIFIED', threshold: 'OFF' }] }), {
    field: 'safety_settings[0]',
    description: '* GenerateContentRequest.safety_settings[0]: element predicate failed: $.category in (HarmCategory.HARM_CATEGORY_HATE_SPEECH, HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT, HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT, HarmCategory.HARM_CATEGORY_HARASSMENT, HarmCategory.HARM_CATEGORY_CIVIC_INTEGRITY)\n',
  });
});

test('safety settings: a category twice is Google\'s 400 without a field', () => {
  const twice = [
    { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' },
    { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'OFF' },
    { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_ONLY_HIGH' },
  ] as const;
  assert.deepEqual(validateGenerateContentRequest({ contents: ok, safetySettings: [...twice] }), {
    field: '',
    description: 'Multiple safety settings with the same category.',
  });
  // An unset threshold is the server default, not an error (Google answers 200).
  assert.equal(validateGenerateContentRequest({ contents: ok, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'HARM_BLOCK_THRESHOLD_UNSPECIFIED' }] }), undefined);
});

test('countTokens: either shape, paths prefixed for the nested one', () => {
  assert.equal(validateCountTokensRequest({ contents: ok }), undefined);
  assert.equal(validateCountTokensRequest({ generateContentRequest: { contents: ok } }), undefined);
  assert.deepEqual(validateCountTokensRequest({}), {
    field: 'contents',
    description: '* CountTokensRequest.contents: contents is not specified\n',
  });
  assert.deepEqual(validateCountTokensRequest({ generateContentRequest: { contents: ok, generationConfig: { temperature: 3 } } }), {
    field: 'generate_content_request.generation_config.temperature',
    description: '* CountTokensRequest.generate_content_request.generation_config.temperature: temperature must be in the range [0.0, 2.0].\n',
  });
});

test('thinking: a budget and a level together are a 400 for every model', () => {
  assert.deepEqual(withConfig({ thinkingConfig: { thinkingBudget: 100, thinkingLevel: 'HIGH' } }), {
    field: 'generation_config.thinking_config',
    description: 'You can only set only one of thinking budget and thinking level.',
  });
  assert.equal(withConfig({ thinkingConfig: { thinkingBudget: 0, thinkingLevel: 'LOW' } })?.field, 'generation_config.thinking_config');
  assert.equal(withConfig({ thinkingConfig: { thinkingBudget: 100, thinkingLevel: 'THINKING_LEVEL_UNSPECIFIED' } }), undefined);
  assert.equal(withConfig({ thinkingConfig: { thinkingLevel: 'LOW' } }), undefined);
  // Budgets the model does not take are the converter's to refuse (they depend on the model).
  assert.equal(withConfig({ thinkingConfig: { thinkingBudget: 50_000 } }), undefined);
});

test('logprobs: 0..20, and only with responseLogprobs', () => {
  assert.equal(withConfig({ responseLogprobs: true }), undefined);
  assert.equal(withConfig({ responseLogprobs: true, logprobs: 20 }), undefined);
  assert.equal(withConfig({ responseLogprobs: true, logprobs: 0 }), undefined);
  assert.equal(withConfig({ logprobs: 0 }), undefined);
  assert.deepEqual(withConfig({ responseLogprobs: true, logprobs: 21 }), {
    field: 'generation_config.logprobs', description: 'logprobs must be between 0 and 20, got 21.',
  });
  assert.equal(withConfig({ responseLogprobs: true, logprobs: -1 })?.description, 'logprobs must be between 0 and 20, got -1.');
  assert.deepEqual(withConfig({ logprobs: 3 }), {
    field: 'generation_config.logprobs', description: 'logprobs is only valid when responseLogprobs is true.',
  });
});

test('a request with several faults reports them in the order the converters did: response format, tools, thinking, logprobs', () => {
  const tools = [{ functionDeclarations: [{ name: '9' }] }];
  const thinkingConfig = { thinkingBudget: 1, thinkingLevel: 'LOW' as const };
  const json = { responseMimeType: 'application/json', responseJsonSchema: 'x' };
  assert.equal(validateGenerateContentRequest({ contents: ok, tools, generationConfig: { ...json, thinkingConfig, logprobs: 3 } })?.field,
    'generation_config.response_json_schema');
  assert.equal(validateGenerateContentRequest({ contents: ok, tools, generationConfig: { thinkingConfig, logprobs: 3 } })?.field,
    'tools[0].function_declarations[0].name');
  assert.equal(withConfig({ thinkingConfig, logprobs: 3 })?.field, 'generation_config.thinking_config');
  // The rules printed under the request's location come first.
  assert.equal(validateGenerateContentRequest({ contents: ok, tools, generationConfig: { temperature: 9 } })?.field, 'generation_config.temperature');
});

test('a request naming a cachedContent takes its tools from the cache: its own are the conflict 400, not checked here', () => {
  const cachedContent = 'cachedContents/abc';
  assert.equal(validateGenerateContentRequest({ contents: ok, cachedContent, toolConfig: { functionCallingConfig: { mode: 'ANY' } } }), undefined);
  assert.equal(validateGenerateContentRequest({ contents: ok, cachedContent, tools: [{ functionDeclarations: [{ name: '9' }] }] }), undefined);
  assert.equal(validateGenerateContentRequest({ contents: ok, cachedContent, generationConfig: { thinkingConfig: { thinkingBudget: 1, thinkingLevel: 'LOW' } } })?.field,
    'generation_config.thinking_config');
  assert.equal(validateGenerateContentRequest({ contents: ok, cachedContent: '', toolConfig: { functionCallingConfig: { mode: 'ANY' } } })?.field,
    'tool_config.function_calling_config.mode');
});

test('countTokens: the nested request\'s tools and thinking are checked (paths from the request), its output options are not', () => {
  const nested = (r: object) => validateCountTokensRequest({ generateContentRequest: { contents: ok, ...r } });
  assert.equal(nested({ tools: [{ functionDeclarations: [{ name: 'f' }, { name: 'f' }] }] })?.field, 'tools[0].function_declarations[1].name');
  assert.match(nested({ tools: [{ functionDeclarations: [{ name: '9' }] }] })?.description ?? '', /^\* GenerateContentRequest\.tools\[0\]\.function_declarations\[0\]\.name: Invalid function name/);
  assert.equal(nested({ toolConfig: { functionCallingConfig: { mode: 'ANY' } } })?.field, 'tool_config.function_calling_config.mode');
  assert.equal(nested({ generationConfig: { thinkingConfig: { thinkingBudget: 1, thinkingLevel: 'LOW' } } })?.field, 'generation_config.thinking_config');
  assert.equal(nested({ generationConfig: { responseMimeType: 'application/json', responseJsonSchema: 'x' } }), undefined);
  assert.equal(nested({ generationConfig: { responseMimeType: 'text/x.enum' } }), undefined);
  assert.equal(nested({ generationConfig: { logprobs: 30 } }), undefined);
  assert.equal(nested({ generationConfig: { logprobs: 3 } }), undefined);
});
