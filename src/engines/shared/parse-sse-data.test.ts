import { it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSseData } from './parse-sse-data.js';

async function collect(chunks: string[]): Promise<string[]> {
  async function* source() { for (const c of chunks) yield Buffer.from(c); }
  const out: string[] = [];
  for await (const d of parseSseData(source())) out.push(d);
  return out;
}

it('parseSseData yields data payloads across chunk boundaries, skipping comments', async () => {
  assert.deepEqual(await collect(['data: {"a":1}\n\n:\n\nda', 'ta: {"b":2}\r\n\r\n', 'data: [DONE]\n\n']), ['{"a":1}', '{"b":2}', '[DONE]']);
});

it('parseSseData joins multi-line data and flushes an unterminated last event', async () => {
  assert.deepEqual(await collect(['data: x\ndata: y\n\ndata: z']), ['x\ny', 'z']);
});

it('parseSseData keeps multi-byte characters split across chunks intact', async () => {
  const bytes = Buffer.from('data: "é"\n\n');
  async function* source() { yield bytes.subarray(0, 8); yield bytes.subarray(8); }
  const out: string[] = [];
  for await (const d of parseSseData(source())) out.push(d);
  assert.deepEqual(out, ['"é"']);
});
