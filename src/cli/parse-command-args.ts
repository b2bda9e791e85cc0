/**
 * Parses a command's arguments with `util.parseArgs`: the command's own options plus the
 * flags of the settings it reads, generated from the schema (src/config/settings.ts), so a
 * setting gets its flag by being declared, nowhere else.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config/config-error.js';
import type { FlagValues } from '../config/resolve-settings.js';
import { SETTINGS, settingsFor, type CommandName, type SettingSpec } from '../config/settings.js';

type ArgOptions = NonNullable<ParseArgsConfig['options']>;

/** A command's own option (not a setting: it has no env var and no config key). */
export interface CommandOption {
  type: 'string' | 'boolean';
  help: string;
  valueName?: string;
  short?: string;
}

/** The parsed arguments of a command. */
export interface CommandArgs {
  /** Values by flag name (settings and own options alike). */
  flags: FlagValues;
  positionals: string[];
  /** `--help` or `-h` was given. */
  help: boolean;
}

/** The `parseArgs` options of a command: its settings' flags, its own options and `--help`. */
export function argOptions(settingsOf: CommandName | undefined, own: Record<string, CommandOption> = {}): ArgOptions {
  const options: ArgOptions = { help: { type: 'boolean', short: 'h' } };
  for (const key of settingsOf ? settingsFor(settingsOf) : []) {
    const s = SETTINGS[key] as SettingSpec<unknown>;
    options[s.flag] = s.type === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: s.type === 'list' };
  }
  for (const [flag, o] of Object.entries(own)) options[flag] = o.short ? { type: o.type, short: o.short } : { type: o.type };
  return options;
}

/**
 * Parses `args` for `command`. Unknown flags and missing values become a {@link ConfigError}
 * (exit 2) pointing at the command's help.
 */
export function parseCommandArgs(
  command: string,
  args: readonly string[],
  settingsOf: CommandName | undefined,
  own: Record<string, CommandOption> = {},
): CommandArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...args], options: argOptions(settingsOf, own), allowPositionals: true, strict: true,
    });
    const { help, ...flags } = values as FlagValues & { help?: boolean };
    return { flags, positionals, help: help === true };
  } catch (e) {
    // parseArgs messages name the flag ("Unknown option '--prot'"); keep them, drop the code.
    const message = (e as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new ConfigError(`${message}\nRun "gemserve ${command} --help" for the options.`);
  }
}
