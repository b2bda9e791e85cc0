import { it } from 'node:test';
import assert from 'node:assert/strict';
import { convertToOpenAiTools } from './convert-to-openai-tools.js';

it('maps functions to OpenAI tools, mode to tool_choice, and allows parallel calls', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } } };
  assert.deepEqual(convertToOpenAiTools({ mode: 'any', functions: [{ name: 'f', description: 'F.', parameters: schema }, { name: 'g' }] }), {
    tools: [
      { type: 'function', function: { name: 'f', description: 'F.', parameters: schema } },
      { type: 'function', function: { name: 'g', parameters: { type: 'object', properties: {} } } },
    ],
    tool_choice: 'required',
    parallel_tool_calls: true,
  });
  assert.equal(convertToOpenAiTools({ mode: 'auto', functions: [{ name: 'g' }] }).tool_choice, 'auto');
});
