import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeUnknownField, findUnknownFields } from './find-unknown-fields.js';

const contents = [{ role: 'user', parts: [{ text: 'hi' }] }];
const names = (found: ReturnType<typeof findUnknownFields>) => found.map((u) => [u.at, u.name]);

test('a typo at the top level: Google\'s text without a path, no field in the violation', () => {
  const found = findUnknownFields({ contents, 'gene,rationConfig': { maxOutputTokens: 5 } }, 'GenerateContentRequest');
  assert.deepEqual(names(found), [['', 'gene,rationConfig']]);
  assert.deepEqual(describeUnknownField(found[0]), {
    field: '',
    description: 'Invalid JSON payload received. Unknown name "gene,rationConfig": Cannot find field.',
  });
});

test('nested: the path is the holder\'s proto path, as Google prints it', () => {
  const found = findUnknownFields({ contents, generationConfig: { maxTokens: 5, thinkingConfig: { budget: 1 } } }, 'GenerateContentRequest');
  assert.deepEqual(names(found), [['generation_config', 'maxTokens'], ['generation_config.thinking_config', 'budget']]);
  assert.equal(describeUnknownField(found[0]).description,
    'Invalid JSON payload received. Unknown name "maxTokens" at \'generation_config\': Cannot find field.');
  assert.equal(describeUnknownField(found[0]).field, 'generation_config');
});

test('in list elements and map values: indices, and a map entry\'s `[i].value`', () => {
  const body = {
    contents: [{ parts: [{ text: 'a' }] }, { role: 'model', parts: [{ text: 'b' }, { txt: 'c' }] }],
    tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string', const: 'x' } } } }] }],
  };
  assert.deepEqual(names(findUnknownFields(body, 'GenerateContentRequest')), [
    ['contents[1].parts[1]', 'txt'],
    // The path Google printed for the same mistake (zed-industries/zed#62539).
    ['tools[0].function_declarations[0].parameters.properties[1].value', 'const'],
  ]);
});

test('a single message where a list is expected is element 0', () => {
  assert.deepEqual(names(findUnknownFields({ contents: { parts: { text: 'a', tex: 'b' } } }, 'GenerateContentRequest')),
    [['contents[0].parts[0]', 'tex']]);
});

test('snake_case proto names are known at every depth, mixed with camelCase', () => {
  const body = {
    contents: [{ role: 'user', parts: [{ inline_data: { mime_type: 'image/png', data: '' } }, { file_data: { file_uri: 'files/x' } }] }],
    system_instruction: { parts: [{ text: 's' }] },
    generation_config: { max_output_tokens: 5, thinking_config: { thinking_budget: 0, include_thoughts: false }, responseMimeType: 'text/plain' },
    safety_settings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
    tool_config: { function_calling_config: { mode: 'AUTO', allowed_function_names: ['f'] } },
    cached_content: 'cachedContents/x',
  };
  assert.deepEqual(findUnknownFields(body, 'GenerateContentRequest'), []);
});

test('user JSON is never looked into: args, responses, JSON Schemas, labels, example values', () => {
  const body = {
    contents: [
      { role: 'model', parts: [{ functionCall: { name: 'f', args: { anything: 1, nested: { at: 'all' } } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'f', response: { whatever: true } } }] },
    ],
    tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object', additionalProperties: false, $defs: {} } }] }],
    generationConfig: { responseJsonSchema: { $schema: 'x', const: 1 }, responseSchema: { type: 'string', example: { free: 1 } } },
    labels: { team: 'a' },
  };
  assert.deepEqual(findUnknownFields(body, 'GenerateContentRequest'), []);
});

test('several unknowns are all listed, in body order', () => {
  const found = findUnknownFields({ contents, foo: 1, generationConfig: { bar: 2 }, baz: 3 }, 'GenerateContentRequest');
  assert.deepEqual(names(found), [['', 'foo'], ['generation_config', 'bar'], ['', 'baz']]);
});

test('the other methods\' bodies: countTokens, embeddings, caches, batches, upload metadata', () => {
  assert.deepEqual(names(findUnknownFields({ generateContentRequest: { model: 'models/m', contents, generationConfig: { temprature: 1 } } }, 'CountTokensRequest')),
    [['generate_content_request.generation_config', 'temprature']]);
  assert.deepEqual(names(findUnknownFields({ content: { parts: [{ text: 'a' }] }, task_type: 'CLUSTERING', dims: 3 }, 'EmbedContentRequest')), [['', 'dims']]);
  assert.deepEqual(names(findUnknownFields({ requests: [{ model: 'models/e', content: { parts: [{ text: 'a' }] }, titel: 't' }] }, 'BatchEmbedContentsRequest')),
    [['requests[0]', 'titel']]);
  assert.deepEqual(names(findUnknownFields({ model: 'models/m', contents, ttl: '60s', ttlSeconds: 60 }, 'CachedContent')), [['', 'ttlSeconds']]);
  const batch = {
    batch: {
      display_name: 'b',
      input_config: { requests: { requests: [{ request: { contents, generationConfig: { maxOutputToken: 3 } }, metadata: { key: 'k', free: 1 } }] } },
    },
  };
  assert.deepEqual(names(findUnknownFields(batch, 'BatchGenerateContentRequest')),
    [['batch.input_config.requests.requests[0].request.generation_config', 'maxOutputToken']]);
  const embedBatch = { batch: { inputConfig: { requests: { requests: [{ request: { content: { parts: [{ text: 'a' }] }, taskType: 'CLUSTERING' } }] } } } };
  assert.deepEqual(findUnknownFields(embedBatch, 'AsyncBatchEmbedContentRequest'), []);
  assert.deepEqual(names(findUnknownFields({ file: { display_name: 'x', mimeType: 'text/plain', size_bytes: 3, mime: 'x' } }, 'CreateFileRequest')),
    [['file', 'mime']]);
});
