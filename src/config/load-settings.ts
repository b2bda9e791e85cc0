/**
 * The one entry point commands use to get their settings: finds the config file (flag, then
 * env var), loads it, then resolves every setting the command reads with the precedence
 * flag > env > config file > default.
 */
import { loadConfig, type FileConfig } from './load-config.js';
import { resolveSettings, type FlagValues, type ResolvedSettings } from './resolve-settings.js';
import { settingsFor, type CommandName } from './settings.js';

/** Inputs of {@link loadSettings}. */
export interface LoadSettingsOptions {
  command: CommandName;
  flags: FlagValues;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** Resolved settings plus the config file they came from, if any. */
export interface LoadedSettings extends ResolvedSettings {
  file?: FileConfig;
}

/** Loads the config file (if one is named) and resolves the command's settings. Throws ConfigError. */
export async function loadSettings(opts: LoadSettingsOptions): Promise<LoadedSettings> {
  const keys = settingsFor(opts.command);
  const { settings } = resolveSettings({ flags: opts.flags, env: opts.env, cwd: opts.cwd }, ['config']);
  const file = settings.config ? await loadConfig(settings.config, opts.cwd) : undefined;
  const resolved = resolveSettings({ flags: opts.flags, env: opts.env, cwd: opts.cwd, file: file?.settings }, keys);
  return { ...resolved, file };
}
