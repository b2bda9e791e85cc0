/**
 * Loads the JSON config file: settings under the same keys as the schema (settings.ts), plus
 * `engines` and `models` (engine-config.ts). Everything is validated on load, so a typo or a
 * bad value stops startup with a message naming the file and the key, never later.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import {
  anchorModelRef, ConfigFieldError, parseEngines, parseModelBindings, type EngineConfig, type ModelBindingConfig,
} from './engine-config.js';
import { InvalidSettingValue } from './setting-parsers.js';
import { SETTINGS, type SettingKey, type SettingSpec, type Settings } from './settings.js';

/** A loaded and validated config file. */
export interface FileConfig {
  /** Absolute path of the file. */
  path: string;
  /** Settings the file sets, already parsed; relative paths anchored at the file's folder. */
  settings: Partial<Settings>;
  engines: Record<string, EngineConfig>;
  models: Record<string, ModelBindingConfig>;
}

/** Keys the file may hold besides settings. `$schema` is tolerated for editors. */
const SECTION_KEYS = ['engines', 'models', '$schema'];

/** Reads and validates the config file at `path` (relative to `cwd`). Throws {@link ConfigError}. */
export async function loadConfig(path: string, cwd = process.cwd()): Promise<FileConfig> {
  const abs = resolve(cwd, path);
  let source: string;
  try {
    source = await readFile(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`config file ${abs}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? e})`}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (e) {
    throw new ConfigError(`config file ${abs} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return { path: abs, ...parseConfig(raw, dirname(abs)) };
  } catch (e) {
    if (e instanceof ConfigFieldError) throw new ConfigError(`config file ${abs}: ${e.message}`);
    throw e;
  }
}

/** Validates an already-parsed config object. `baseDir` anchors relative paths. Throws {@link ConfigFieldError}. */
export function parseConfig(raw: unknown, baseDir: string): Omit<FileConfig, 'path'> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigFieldError('(top level)', 'must be a JSON object');
  }
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (SECTION_KEYS.includes(key)) continue;
    const spec = (SETTINGS as Record<string, SettingSpec<unknown>>)[key];
    if (!spec || spec.notInConfigFile) {
      const known = [...configFileKeys(), 'engines', 'models'];
      throw new ConfigFieldError(JSON.stringify(key), `is not a known key; expected one of ${known.join(', ')}`);
    }
    let parsed: unknown;
    try {
      parsed = spec.parse(value);
    } catch (e) {
      if (!(e instanceof InvalidSettingValue)) throw e;
      throw new ConfigFieldError(JSON.stringify(key), spec.secret ? e.message.replace(/ \(got .*\)$/s, '') : e.message);
    }
    if (typeof parsed === 'string' && spec.pathKind === 'path') parsed = resolve(baseDir, parsed);
    if (typeof parsed === 'string' && spec.pathKind === 'model') parsed = anchorModelRef(parsed, baseDir);
    settings[key] = parsed;
  }
  const r = raw as Record<string, unknown>;
  const engines = parseEngines(r.engines, baseDir);
  const models = parseModelBindings(r.models, engines);
  return { settings: settings as Partial<Settings>, engines, models };
}

/** The setting keys a config file may set. */
export function configFileKeys(): SettingKey[] {
  return (Object.keys(SETTINGS) as SettingKey[]).filter((k) => !(SETTINGS[k] as SettingSpec<unknown>).notInConfigFile);
}
