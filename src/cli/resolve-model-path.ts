/**
 * Turns a `--model` value into a file path. With a path separator it is a path; a bare name
 * is a file in the working directory when one exists, else a model name in the pull cache.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { Errors } from '../core/errors.js';
import { listCachedModels } from './model-cache.js';

/** True when `ref` is written as a path (has a separator or is absolute). */
export function looksLikePath(ref: string): boolean {
  return isAbsolute(ref) || /[\\/]/.test(ref);
}

/**
 * The absolute path `ref` names. Throws `Errors.badModelFile` when a bare name is neither a
 * file here nor in the pull cache; a path is returned as is (loading reports if it is missing).
 */
export async function resolveModelPath(ref: string, opts: { cwd: string; modelsDir: string }): Promise<string> {
  if (looksLikePath(ref)) return resolve(opts.cwd, ref);
  const local = resolve(opts.cwd, ref);
  if (existsSync(local)) return local;
  const cached = await listCachedModels(opts.modelsDir);
  const want = ref.replace(/\.gguf$/i, '');
  const hit = cached.find((m) => m.name === want);
  if (hit) return hit.path;
  const have = cached.length ? `it has ${cached.map((m) => m.name).join(', ')}` : 'it is empty';
  throw Errors.badModelFile(
    ref,
    `no such file, and no model named "${want}" in the pull cache ${opts.modelsDir} (${have}). ` +
      'Pass a path to a .gguf file, or download one first with: gemserve pull <ref>',
  );
}
