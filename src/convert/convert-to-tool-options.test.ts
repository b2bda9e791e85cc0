import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tool, ToolConfig } from '../api/gemini/types.js';
import { convertToToolOptions } from './convert-to-tool-options.js';

const weather = { name: 'get_weather', description: 'Weather', parameters: { type: 'OBJECT' as const, properties: { city: { type: 'STRING' as const } }, required: ['city'] } };
const time = { name: 'get_time', parametersJsonSchema: { type: 'object', properties: { zone: { enum: ['UTC'] } } } };
const tools: Tool[] = [{ functionDeclarations: [weather] }, { functionDeclarations: [time] }];
const mode = (m: NonNullable<ToolConfig['functionCallingConfig']>['mode'], allowedFunctionNames?: string[]): ToolConfig =>
  ({ functionCallingConfig: { mode: m, ...(allowedFunctionNames ? { allowedFunctionNames } : {}) } });

test('declarations from every tool, parameters converted to JSON Schema, parametersJsonSchema as is', () => {
  const opts = convertToToolOptions(tools, undefined)!;
  assert.equal(opts.mode, 'auto');
  assert.deepEqual(opts.functions, [
    { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    { name: 'get_time', parameters: time.parametersJsonSchema },
  ]);
});

test('modes: AUTO and VALIDATED choose, ANY forces, NONE offers nothing', () => {
  assert.equal(convertToToolOptions(tools, mode('AUTO'))!.mode, 'auto');
  assert.equal(convertToToolOptions(tools, mode('VALIDATED'))!.mode, 'auto');
  assert.equal(convertToToolOptions(tools, mode('ANY'))!.mode, 'any');
  assert.equal(convertToToolOptions(tools, mode('NONE')), undefined);
  assert.equal(convertToToolOptions([], undefined), undefined);
  assert.equal(convertToToolOptions([{ codeExecution: {} }], undefined), undefined);
});

// Names, schemas and modes are the API's rules: src/api/gemini/validate-function-calling.test.ts.
test('allowedFunctionNames narrows ANY and VALIDATED', () => {
  assert.deepEqual(convertToToolOptions(tools, mode('ANY', ['get_time']))!.functions.map((f) => f.name), ['get_time']);
  assert.deepEqual(convertToToolOptions(tools, mode('VALIDATED', ['get_weather']))!.functions.map((f) => f.name), ['get_weather']);
});

test('names with colons, dots and dashes are kept as given', () => {
  assert.deepEqual(convertToToolOptions([{ functionDeclarations: [{ name: 'ns:tool.v1-x_y' }] }], undefined)?.functions, [{ name: 'ns:tool.v1-x_y' }]);
});
