/**
 * Before `serve` plans anything: a `--model` that is a short name of the catalog
 * (pull/default-models.ts) becomes its file in the pull cache, downloaded once with pull's
 * progress bar; with no `--model` and no engines or models in a config file, the default
 * short name is served, so `npx gemserve serve` works from nothing, as `ollama run NAME` does.
 * Paths, files in the working directory and pull-cache names are left to planServe.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LoadedSettings } from '../config/load-settings.js';
import type { OutputStream } from './cli-context.js';
import { CliError, isCliError } from './cli-error.js';
import { checkModelFile } from './check-model-file.js';
import { DEFAULT_MODEL_NAME, findCatalogModel, type CatalogModel } from './pull/default-models.js';
import { isUnreachable } from './pull/describe-network-error.js';
import { formatBytes } from './pull/format-units.js';
import { pullCatalogModel } from './pull/pull-catalog-model.js';
import { looksLikePath } from './resolve-model-path.js';

/** Options of {@link resolveServeModel}. */
export interface ResolveServeModelOptions {
  cwd: string;
  /** Notes and the download's progress. */
  stderr: OutputStream;
  signal?: AbortSignal;
  /** Default: the pinned MODEL_CATALOG. */
  catalog?: readonly CatalogModel[];
}

/** True when the config file declares engines or models of its own: then nothing is served by default. */
function configServesModels(loaded: LoadedSettings): boolean {
  const file = loaded.file;
  return Object.keys(file?.engines ?? {}).length > 0 || Object.keys(file?.models ?? {}).length > 0;
}

/**
 * `loaded` with `settings.model` set to the catalog model's file when `--model` names one (or
 * when nothing at all is to be served: the default). Throws {@link CliError} with one line:
 * offline, it says what to do instead.
 */
export async function resolveServeModel(loaded: LoadedSettings, opts: ResolveServeModelOptions): Promise<LoadedSettings> {
  const { settings } = loaded;
  let ref = settings.model;
  // --mmproj without --model stays planServe's error: a projector belongs to the model it was made for.
  if (ref === undefined && (configServesModels(loaded) || settings.mmproj)) return loaded;
  ref ??= DEFAULT_MODEL_NAME;
  if (looksLikePath(ref) || existsSync(resolve(opts.cwd, ref))) return loaded;
  const pinned = findCatalogModel(ref, opts.catalog);
  if (!pinned) return loaded;
  if (settings.model === undefined) {
    opts.stderr.write(`no --model given: serving ${pinned.name}, ${pinned.description}; ${formatBytes(pinned.bytes)}, ${pinned.license}\n`);
  }
  try {
    const pulled = await pullCatalogModel({
      model: pinned,
      modelsDir: settings.modelsDir,
      hfEndpoint: settings.hfEndpoint,
      hfToken: settings.hfToken,
      verify: checkModelFile,
      stderr: opts.stderr,
      signal: opts.signal,
    });
    return { ...loaded, settings: { ...settings, model: pulled.path } };
  } catch (e) {
    if (!isCliError(e) || !isUnreachable(e.cause)) throw e;
    throw new CliError(
      `${e.message}; ${pinned.name} (${formatBytes(pinned.bytes)}) is downloaded once, on the first run. ` +
        `Meanwhile: pass a GGUF file with --model PATH, run "gemserve pull ${pinned.name}" once online, ` +
        'or make a small test model with "gemserve gen-model --preset tiny --out tiny.gguf"',
      1,
      { cause: e },
    );
  }
}
