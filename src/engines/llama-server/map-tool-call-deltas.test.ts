import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ToolCallAssembler } from './map-tool-call-deltas.js';

it('assembles fragments per index; a new index or complete() finishes a call with its tokens', () => {
  const a = new ToolCallAssembler(2);
  assert.equal(a.add({ index: 0, id: 'x', function: { name: 'get', arguments: '' } }), undefined);
  a.addTokens(3);
  a.add({ index: 0, function: { arguments: '{"city":' } });
  a.add({ index: 0, function: { name: 'get_weather', arguments: '"Paris"}' } });
  a.addTokens(2);
  const first = a.add({ index: 1, function: { name: 'time' } });
  assert.deepEqual(first, { type: 'function-call', candidate: 2, name: 'get_weather', args: { city: 'Paris' }, tokens: 5 });
  a.addTokens(1);
  assert.deepEqual(a.complete(), { type: 'function-call', candidate: 2, name: 'time', args: {}, tokens: 1 });
  assert.equal(a.open, false);
  assert.equal(a.complete(), undefined);
});

it('drops a call cut short, and refuses arguments that are not a JSON object', () => {
  const a = new ToolCallAssembler(0);
  a.add({ index: 0, function: { name: 'f', arguments: '{"a":' } });
  a.addTokens(4);
  assert.equal(a.discard(), 4);
  assert.equal(a.open, false);
  a.add({ index: 0, function: { name: 'f', arguments: '[1]' } });
  assert.throws(() => a.complete(), /not an object/);
  a.add({ index: 0, function: { name: 'f', arguments: '{"a":' } });
  assert.throws(() => a.complete(), /not JSON/);
});
