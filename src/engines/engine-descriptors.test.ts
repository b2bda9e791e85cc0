import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ConfigFields } from '../core/config-fields.js';
import { ENGINE_DESCRIPTORS, findEngineDescriptor } from './engine-descriptors.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Leaf fields as `kind.path`, with their description. */
function leaves(prefix: string, fields: ConfigFields): Array<[string, ConfigFields[string]]> {
  return Object.entries(fields).flatMap(([name, f]) => (f.type === 'object' ? leaves(`${prefix}.${name}`, f.fields) : [[`${prefix}.${name}`, f]]));
}

describe('engine descriptors', () => {
  it('name each kind once, in the order errors list them', () => {
    assert.deepEqual(ENGINE_DESCRIPTORS.map((d) => d.kind), ['llama-cpp', 'llama-server', 'gemini-upstream', 'openai-compatible', 'fake']);
    assert.equal(findEngineDescriptor('fake'), ENGINE_DESCRIPTORS.at(-1));
    assert.equal(findEngineDescriptor('routed'), undefined, 'routed engines come from model bindings, not from engines');
  });

  it('document every field: what it sets, and what applies when it is unset unless it is required', () => {
    for (const d of ENGINE_DESCRIPTORS) {
      assert.ok(d.summary.length > 20, `${d.kind} has a summary`);
      for (const [at, field] of leaves(d.kind, d.fields)) {
        assert.ok(field.help.length > 10, `${at} has help`);
        assert.ok(field.required ? field.default === undefined : field.default, `${at}: a default, or required`);
      }
    }
  });

  // A resolve hook that fails the import when node-llama-cpp (native bindings) is reached.
  const HOOK = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, next) { if (s === 'node-llama-cpp' || s.startsWith('node-llama-cpp/')) throw new Error('native bindings loaded'); return next(s, c); }"));`)}`;
  const importUnderHook = (module: string) =>
    run(process.execPath, ['--import', 'tsx', '--import', HOOK, '--input-type=module', '-e', `await import(${JSON.stringify(module)});`], { cwd: REPO });

  it('reading the descriptors (and the config) loads no engine with native bindings', { timeout: 60_000 }, async () => {
    await importUnderHook('./src/config/engine-config.ts');
    await importUnderHook('./src/cli/create-engine.ts');
    // The hook does catch it when an engine is imported eagerly.
    await assert.rejects(importUnderHook('./src/engines/llama-cpp/llama-cpp-engine.ts'), /native bindings loaded/);
  });
});
