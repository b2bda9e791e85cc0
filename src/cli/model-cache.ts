/**
 * The pull cache: a flat folder of `.gguf` files (settings `modelsDir`). A model's name is its
 * file name without `.gguf`, the same name `serve --model NAME` and `gemserve models` use.
 * Partial downloads (`*.gguf.part`) are not models and are never listed.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** One model in the cache. */
export interface CachedModel {
  name: string;
  path: string;
  bytes: number;
  modified: Date;
}

/** The models in `dir`, sorted by name; none when the folder does not exist yet. */
export async function listCachedModels(dir: string): Promise<CachedModel[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const models: CachedModel[] = [];
  for (const file of names.filter((n) => n.toLowerCase().endsWith('.gguf')).sort()) {
    const path = join(dir, file);
    const st = await stat(path).catch(() => undefined);
    if (st?.isFile()) models.push({ name: file.slice(0, -'.gguf'.length), path, bytes: st.size, modified: st.mtime });
  }
  return models;
}

/** The cached model called `name` (with or without `.gguf`), if any. */
export async function findCachedModel(dir: string, name: string): Promise<CachedModel | undefined> {
  const want = name.replace(/\.gguf$/i, '');
  return (await listCachedModels(dir)).find((m) => m.name === want);
}
