/**
 * Help text, generated from the settings schema so `--help` always lists every setting with
 * its default and env var. Commands format their own options (e.g. `pull --sha256`) with the
 * same {@link formatOptionRows}, so all help looks alike.
 */
import { SETTINGS, type SettingKey, type SettingSpec } from './settings.js';

/** One option in a help listing. */
export interface OptionRow {
  /** e.g. `--port PORT`. */
  flags: string;
  help: string;
  /** Second line, e.g. `default: 8080 · env: GEMSERVE_PORT`. */
  details?: string;
}

function describeDefault(s: SettingSpec<unknown>): string {
  if (s.defaultText !== undefined) return s.defaultText;
  const v = s.default({});
  return Array.isArray(v) ? v.join(',') || 'none' : String(v);
}

/** Help rows of the given settings, in schema order. */
export function settingRows(keys: readonly SettingKey[]): OptionRow[] {
  return keys.map((key) => {
    const s = SETTINGS[key] as SettingSpec<unknown>;
    const flags = s.type === 'boolean' ? `--${s.flag}` : `--${s.flag} ${s.valueName ?? 'VALUE'}`;
    const envs = [s.env, ...(s.envAliases ?? [])].join(', ');
    const inFile = s.notInConfigFile ? '' : ` · config: "${key}"`;
    return { flags, help: s.help, details: `default: ${describeDefault(s)} · env: ${envs}${inFile}` };
  });
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Formats rows as an indented two-column list, wrapped at `width` columns. */
export function formatOptionRows(rows: readonly OptionRow[], width = 100): string {
  const col = Math.min(30, Math.max(...rows.map((r) => r.flags.length), 0) + 4);
  const pad = ' '.repeat(col);
  const out: string[] = [];
  for (const r of rows) {
    const text = wrap(r.help, width - col);
    const first = `  ${r.flags}`;
    out.push(first.length + 2 <= col ? first.padEnd(col) + (text[0] ?? '') : first, ...(first.length + 2 <= col ? text.slice(1) : text).map((l) => pad + l));
    if (r.details) out.push(...wrap(r.details, width - col).map((l) => pad + l));
  }
  return out.join('\n');
}
