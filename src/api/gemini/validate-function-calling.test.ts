import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tool, ToolConfig } from './types.js';
import { validateFunctionCalling } from './validate-function-calling.js';

const weather = { name: 'get_weather', description: 'Weather', parameters: { type: 'OBJECT' as const, properties: { city: { type: 'STRING' as const } }, required: ['city'] } };
const time = { name: 'get_time', parametersJsonSchema: { type: 'object', properties: { zone: { enum: ['UTC'] } } } };
const tools: Tool[] = [{ functionDeclarations: [weather] }, { functionDeclarations: [time] }];
const mode = (m: NonNullable<ToolConfig['functionCallingConfig']>['mode'], allowedFunctionNames?: string[]): ToolConfig =>
  ({ functionCallingConfig: { mode: m, ...(allowedFunctionNames ? { allowedFunctionNames } : {}) } });
const declaring = (...functionDeclarations: NonNullable<Tool['functionDeclarations']>) => [{ functionDeclarations }];

test('valid declarations and modes pass', () => {
  assert.equal(validateFunctionCalling(undefined, undefined), undefined);
  assert.equal(validateFunctionCalling(tools, undefined), undefined);
  for (const m of ['AUTO', 'VALIDATED', 'ANY', 'NONE'] as const) assert.equal(validateFunctionCalling(tools, mode(m)), undefined, m);
  assert.equal(validateFunctionCalling(tools, mode('ANY', ['get_time'])), undefined);
  assert.equal(validateFunctionCalling(tools, mode('VALIDATED', ['get_weather'])), undefined);
  assert.equal(validateFunctionCalling([], mode('NONE')), undefined);
  assert.equal(validateFunctionCalling([{ codeExecution: {} }], undefined), undefined);
  assert.equal(validateFunctionCalling(declaring({ name: 'ns:tool.v1-x_y' }), undefined), undefined);
  assert.equal(validateFunctionCalling(declaring({ name: 'a'.repeat(64) }), undefined), undefined);
});

test('bad declarations are 400s naming the field', () => {
  assert.deepEqual(validateFunctionCalling(declaring({ name: '1abc' }), undefined), {
    field: 'tools[0].function_declarations[0].name',
    description: '* GenerateContentRequest.tools[0].function_declarations[0].name: Invalid function name. Must start with a letter or an underscore. ' +
      'Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n',
  });
  assert.match(validateFunctionCalling(declaring({ name: 'a'.repeat(65) }), undefined)?.description ?? '', /Invalid function name/);
  assert.equal(validateFunctionCalling(declaring({} as never), undefined)?.field, 'tools[0].function_declarations[0].name');
  assert.deepEqual(validateFunctionCalling([{ functionDeclarations: [{ name: 'f' }] }, { functionDeclarations: [{ name: 'f' }] }], undefined), {
    field: 'tools[1].function_declarations[0].name', description: 'Duplicate function declaration found: f',
  });
  assert.deepEqual(validateFunctionCalling(declaring({ name: 'f', parameters: { type: 'OBJECT' }, parametersJsonSchema: {} }), undefined), {
    field: 'tools[0].function_declarations[0].parameters_json_schema',
    description: 'parameters and parametersJsonSchema cannot both be set (function f).',
  });
  assert.deepEqual(validateFunctionCalling(declaring({ name: 'f', parametersJsonSchema: [] }), undefined), {
    field: 'tools[0].function_declarations[0].parameters_json_schema',
    description: 'parametersJsonSchema of function f must be a JSON Schema object.',
  });
  assert.deepEqual(validateFunctionCalling(declaring({ name: 'f', parameters: { type: 'OBJECT', properties: { a: { type: 'STRING', minLength: -1 } } } }), undefined), {
    field: 'tools[0].function_declarations[0].parameters.properties[a].min_length',
    description: 'tools[0].function_declarations[0].parameters.properties[a].min_length must be a non-negative integer, got -1.',
  });
});

test('allowedFunctionNames only with ANY or VALIDATED, naming declared functions; ANY needs a declaration', () => {
  const allowed = 'tool_config.function_calling_config.allowed_function_names';
  assert.deepEqual(validateFunctionCalling(tools, mode('AUTO', ['get_time'])), {
    field: allowed, description: 'allowed_function_names can only be set when the function calling mode is ANY or VALIDATED.',
  });
  assert.equal(validateFunctionCalling(tools, { functionCallingConfig: { allowedFunctionNames: ['get_time'] } })?.field, allowed);
  assert.deepEqual(validateFunctionCalling(tools, mode('ANY', ['nope'])), {
    field: allowed, description: 'allowed_function_names contains "nope", which is not a declared function.',
  });
  assert.deepEqual(validateFunctionCalling([], mode('ANY')), {
    field: 'tool_config.function_calling_config.mode', description: 'Function calling mode ANY needs at least one function declaration.',
  });
  assert.equal(validateFunctionCalling(undefined, mode('ANY'))?.field, 'tool_config.function_calling_config.mode');
});

test('the first fault in declaration order wins, each declaration checked before the next and before the config', () => {
  const badSchema = { name: 'g', parameters: { type: 'OBJECT' as const, properties: {}, propertyOrdering: ['x'] } };
  assert.equal(validateFunctionCalling(declaring(badSchema, { name: '9' }), undefined)?.field, 'tools[0].function_declarations[0].parameters.property_ordering');
  assert.equal(validateFunctionCalling(declaring({ name: 'f' }, { name: 'f' }, { name: '9' }), undefined)?.field, 'tools[0].function_declarations[1].name');
  assert.match(validateFunctionCalling(declaring({ name: '9' }), mode('AUTO', ['x']))?.description ?? '', /Invalid function name/);
});
