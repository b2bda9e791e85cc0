import { test } from 'node:test';
import assert from 'node:assert/strict';
import { llamaServerArgs } from './llama-server-args.js';

test('the KV cache is context x parallel; threads, template and overrides only when given', () => {
  assert.deepEqual(llamaServerArgs({ modelPath: 'm.gguf', contextSize: 1024, parallel: 4 }),
    ['-m', 'm.gguf', '-c', '4096', '--parallel', '4', '--jinja', '--no-webui']);
  assert.deepEqual(
    llamaServerArgs({ modelPath: 'm.gguf', mmprojPath: 'p.gguf', contextSize: 512, parallel: 1, threads: 1, chatTemplateFile: 't.jinja', overrideKv: ['a=int:1'] }),
    ['-m', 'm.gguf', '--mmproj', 'p.gguf', '-c', '512', '--parallel', '1', '-t', '1', '-tb', '1', '--jinja', '--no-webui',
      '--chat-template-file', 't.jinja', '--override-kv', 'a=int:1']);
});

test('repack false adds --no-repack (the SIGILL fallback); true or absent leaves the default', () => {
  assert.ok(llamaServerArgs({ modelPath: 'm', contextSize: 1, parallel: 1, repack: false }).includes('--no-repack'));
  assert.ok(!llamaServerArgs({ modelPath: 'm', contextSize: 1, parallel: 1, repack: true }).includes('--no-repack'));
  assert.ok(!llamaServerArgs({ modelPath: 'm', contextSize: 1, parallel: 1 }).includes('--no-repack'));
});
