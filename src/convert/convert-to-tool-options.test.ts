import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Tool, ToolConfig } from '../api/gemini/types.js';
import { isGemserveError } from '../core/errors.js';
import { convertToToolOptions } from './convert-to-tool-options.js';

const weather = { name: 'get_weather', description: 'Weather', parameters: { type: 'OBJECT' as const, properties: { city: { type: 'STRING' as const } }, required: ['city'] } };
const time = { name: 'get_time', parametersJsonSchema: { type: 'object', properties: { zone: { enum: ['UTC'] } } } };
const tools: Tool[] = [{ functionDeclarations: [weather] }, { functionDeclarations: [time] }];
const mode = (m: NonNullable<ToolConfig['functionCallingConfig']>['mode'], allowedFunctionNames?: string[]): ToolConfig =>
  ({ functionCallingConfig: { mode: m, ...(allowedFunctionNames ? { allowedFunctionNames } : {}) } });

function bad(fn: () => unknown, message: RegExp, field?: string) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isGemserveError(e));
    assert.equal(e.httpStatus, 400);
    assert.match(e.message, message);
    if (field) assert.match(JSON.stringify(e.details), new RegExp(field.replace(/[.[\]]/g, '\\$&')));
    return true;
  });
}

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

test('allowedFunctionNames narrows ANY and VALIDATED, and is refused elsewhere or when unknown', () => {
  assert.deepEqual(convertToToolOptions(tools, mode('ANY', ['get_time']))!.functions.map((f) => f.name), ['get_time']);
  assert.deepEqual(convertToToolOptions(tools, mode('VALIDATED', ['get_weather']))!.functions.map((f) => f.name), ['get_weather']);
  bad(() => convertToToolOptions(tools, mode('AUTO', ['get_time'])), /only be set when the function calling mode is ANY/);
  bad(() => convertToToolOptions(tools, mode('ANY', ['nope'])), /"nope", which is not a declared function/);
  bad(() => convertToToolOptions([], mode('ANY')), /ANY needs at least one function declaration/);
});

test('bad declarations are 400s naming the field', () => {
  bad(() => convertToToolOptions([{ functionDeclarations: [{ name: '1abc' }] }], undefined), /Invalid function name/, 'tools[0].function_declarations[0].name');
  bad(() => convertToToolOptions([{ functionDeclarations: [{ name: 'a'.repeat(65) }] }], undefined), /Invalid function name/);
  bad(() => convertToToolOptions([{ functionDeclarations: [{ name: 'f' }, { name: 'f' }] }], undefined), /Duplicate function declaration found: f/);
  bad(() => convertToToolOptions([{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT' }, parametersJsonSchema: {} }] }], undefined), /cannot both be set/);
  bad(() => convertToToolOptions([{ functionDeclarations: [{ name: 'f', parameters: { type: 'WHAT' as never } }] }], undefined), /Unknown schema type/, 'tools[0].function_declarations[0].parameters.type');
  assert.ok(convertToToolOptions([{ functionDeclarations: [{ name: 'ns:tool.v1-x_y' }] }], undefined));
});
