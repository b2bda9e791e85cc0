/**
 * Merges the four sources of a setting. Precedence, highest first: command-line flag, env
 * var, config file, default; the first source that sets a value wins outright (lists are not
 * merged, so `--api-key` replaces the keys in the file rather than adding to them).
 */
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { InvalidSettingValue } from './setting-parsers.js';
import { SETTINGS, type SettingKey, type SettingSpec, type Settings } from './settings.js';

/** Where a setting's value came from. */
export type SettingSource = 'flag' | 'env' | 'config' | 'default';

/** Raw flag values as `util.parseArgs` returns them, by flag name. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** The inputs of {@link resolveSettings}. */
export interface SettingSources {
  flags?: FlagValues;
  env?: NodeJS.ProcessEnv;
  /** Settings from the config file, already parsed by loadConfig. */
  file?: Partial<Settings>;
  /** Anchors relative paths given by flag or env var. */
  cwd?: string;
}

/** Every setting with its value and where that came from. */
export interface ResolvedSettings {
  settings: Settings;
  sources: Record<SettingKey, SettingSource>;
}

function spec(key: SettingKey): SettingSpec<unknown> {
  return SETTINGS[key] as SettingSpec<unknown>;
}

/** Reads the env var of a setting (then its aliases); empty counts as unset, as in ollama's envconfig. */
export function envValue(key: SettingKey, env: NodeJS.ProcessEnv): { name: string; value: string } | undefined {
  const s = spec(key);
  for (const name of [s.env, ...(s.envAliases ?? [])]) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

function parseFrom<T>(s: SettingSpec<T>, origin: string, raw: unknown): T {
  try {
    return s.parse(raw);
  } catch (e) {
    if (!(e instanceof InvalidSettingValue)) throw e;
    // Secrets are never echoed, not even back to the person who typed them (logs, CI output).
    throw new ConfigError(`${origin} ${s.secret ? e.message.replace(/ \(got .*\)$/s, '') : e.message}`);
  }
}

/**
 * Resolves the given settings (default: all) from flags, env, config file and defaults.
 * Throws {@link ConfigError} naming the flag or env var of a bad value.
 */
export function resolveSettings(sources: SettingSources, keys: readonly SettingKey[] = Object.keys(SETTINGS) as SettingKey[]): ResolvedSettings {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const settings: Record<string, unknown> = {};
  const from: Record<string, SettingSource> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const s = spec(key);
    // Settings the command does not read keep their default, so a bad GEMSERVE_PORT cannot
    // break `gemserve models`.
    const used = keys.includes(key);
    const flag = used ? sources.flags?.[s.flag] : undefined;
    const fromEnv = used ? envValue(key, env) : undefined;
    let value: unknown;
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) {
      value = parseFrom(s, `--${s.flag}`, flag);
      from[key] = 'flag';
    } else if (fromEnv) {
      value = parseFrom(s, fromEnv.name, fromEnv.value);
      from[key] = 'env';
    } else if (used && sources.file && key in sources.file) {
      value = sources.file[key];
      from[key] = 'config';
    } else {
      value = s.default(env);
      from[key] = 'default';
    }
    if (typeof value === 'string' && s.pathKind === 'path' && (from[key] === 'flag' || from[key] === 'env')) {
      value = resolve(cwd, value);
    }
    settings[key] = value;
  }
  return { settings: settings as Settings, sources: from as Record<SettingKey, SettingSource> };
}
