import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../cli-error.js';
import { hfFileUrl, parsePullRef, pickQuantFile } from './resolve-pull-ref.js';

const HF = 'https://huggingface.co';

test('Hugging Face file references resolve to the resolve/ URL', () => {
  const url = `${HF}/ggml-org/tiny-llamas/resolve/main/stories260K.gguf`;
  for (const ref of [
    'hf:ggml-org/tiny-llamas/stories260K.gguf',
    'ggml-org/tiny-llamas/stories260K.gguf',
    'hf.co/ggml-org/tiny-llamas/stories260K.gguf',
    'huggingface.co/ggml-org/tiny-llamas/stories260K.gguf',
    `${HF}/ggml-org/tiny-llamas/blob/main/stories260K.gguf`,
    `${HF}/ggml-org/tiny-llamas/resolve/main/stories260K.gguf`,
  ]) {
    const r = parsePullRef(ref);
    assert.equal(r.kind, 'hf-file', ref);
    assert.equal(r.kind === 'hf-file' && r.url, url, ref);
    assert.equal(r.kind === 'hf-file' && r.fileName, 'stories260K.gguf', ref);
  }
});

test('revisions, nested files and escaping', () => {
  const r = parsePullRef('hf:owner/repo/sub dir/m-Q8_0.gguf#v1.0');
  assert.deepEqual(r, {
    kind: 'hf-file', owner: 'owner', repo: 'repo', revision: 'v1.0', file: 'sub dir/m-Q8_0.gguf',
    url: `${HF}/owner/repo/resolve/v1.0/sub%20dir/m-Q8_0.gguf`, fileName: 'm-Q8_0.gguf',
  });
  assert.equal(hfFileUrl('http://127.0.0.1:9', 'o', 'r', 'refs/pr/1', 'a.gguf'), 'http://127.0.0.1:9/o/r/resolve/refs%2Fpr%2F1/a.gguf');
});

test('a mirror endpoint replaces huggingface.co', () => {
  const r = parsePullRef('hf:o/r/m.gguf', 'http://127.0.0.1:8000');
  assert.equal(r.kind === 'hf-file' && r.url, 'http://127.0.0.1:8000/o/r/resolve/main/m.gguf');
  const browser = parsePullRef(`${HF}/o/r/blob/main/m.gguf`, 'http://127.0.0.1:8000');
  assert.equal(browser.kind === 'hf-file' && browser.url, 'http://127.0.0.1:8000/o/r/resolve/main/m.gguf');
});

test('quantization references', () => {
  for (const ref of ['hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M', 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M', 'Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M']) {
    assert.deepEqual(parsePullRef(ref), { kind: 'hf-quant', owner: 'Qwen', repo: 'Qwen2.5-0.5B-Instruct-GGUF', revision: 'main', quant: 'Q4_K_M' });
  }
  assert.deepEqual(parsePullRef('hf.co/o/r'), { kind: 'hf-quant', owner: 'o', repo: 'r', revision: 'main' });
});

test('plain URLs must name a .gguf file', () => {
  assert.deepEqual(parsePullRef('https://example.com/models/My%20Model.gguf?download=1'), {
    kind: 'url', url: 'https://example.com/models/My%20Model.gguf?download=1', fileName: 'My Model.gguf',
  });
  assert.throws(() => parsePullRef('https://example.com/model.bin'), /does not name a \.gguf file/);
});

test('nonsense is a usage error (exit 2)', () => {
  for (const ref of ['llama', 'o/r/readme.md', './models/x.gguf', 'o/r/../x.gguf', 'a/b#c#d']) {
    assert.throws(() => parsePullRef(ref), (e: unknown) => e instanceof CliError && e.exitCode === 2, ref);
  }
});

test('pickQuantFile finds the quantization, skips projectors and reports choices', () => {
  const files = [
    'README.md', 'mmproj-model-f16.gguf',
    'qwen2.5-0.5b-instruct-q4_k_m.gguf', 'qwen2.5-0.5b-instruct-q4_k_s.gguf', 'qwen2.5-0.5b-instruct-q8_0.gguf',
    'big-Q6_K-00001-of-00002.gguf', 'big-Q6_K-00002-of-00002.gguf',
  ];
  assert.equal(pickQuantFile('r', files, 'Q4_K_M'), 'qwen2.5-0.5b-instruct-q4_k_m.gguf');
  assert.equal(pickQuantFile('r', files, 'q8_0'), 'qwen2.5-0.5b-instruct-q8_0.gguf');
  assert.equal(pickQuantFile('r', files), 'qwen2.5-0.5b-instruct-q4_k_m.gguf', 'defaults to Q4_K_M');
  assert.throws(() => pickQuantFile('r', files, 'Q4_K'), /no \.gguf file for quantization Q4_K; the repo has/);
  assert.throws(() => pickQuantFile('r', files, 'Q6_K'), /split into parts/);
  assert.equal(pickQuantFile('r', ['only.gguf', 'mmproj.gguf']), 'only.gguf');
  assert.throws(() => pickQuantFile('r', ['a.txt']), /no \.gguf files/);
});
