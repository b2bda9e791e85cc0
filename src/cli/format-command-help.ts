/**
 * `gemserve <command> --help`: the synopsis, the description, the command's own options,
 * then every setting it reads, straight from the settings schema.
 */
import { formatOptionRows, settingRows, type OptionRow } from '../config/format-help.js';
import { settingsFor } from '../config/settings.js';
import type { Command } from './commands/command.js';

/** The full help text of a command. */
export function formatCommandHelp(command: Command, width = 100): string {
  const parts = [`Usage: gemserve ${command.usage}`, '', command.summary];
  if (command.description) parts.push('', command.description);
  const own: OptionRow[] = Object.entries(command.options ?? {}).map(([flag, o]) => ({
    flags: `${o.short ? `-${o.short}, ` : ''}--${flag}${o.type === 'string' ? ` ${o.valueName ?? 'VALUE'}` : ''}`,
    help: o.help,
  }));
  own.push({ flags: '-h, --help', help: 'Show this help.' });
  parts.push('', 'Options:', formatOptionRows(own, width));
  if (command.settingsOf) {
    parts.push('', 'Settings (a flag beats its env var, which beats the config file, which beats the default):');
    parts.push(formatOptionRows(settingRows(settingsFor(command.settingsOf)), width));
  }
  return `${parts.join('\n')}\n`;
}
