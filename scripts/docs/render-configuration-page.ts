/**
 * `docs/configuration.md`, generated from the settings schema (src/config/settings.ts): every
 * setting with its flag, env var, config-file key, default, commands and help, then the config
 * file's shape, then every engine kind's fields from its descriptor (render-engines-section.ts).
 * Pure: the page is a function of the schema and the descriptors.
 */
import { SETTINGS, type SettingSpec } from '../../src/config/settings.js';
import { ENGINE_DESCRIPTORS } from '../../src/engines/engine-descriptors.js';
import { cell, code, codeBlock, generatedNotice, table } from './markdown.js';
import { renderEnginesSection, type DescribedEngine } from './render-engines-section.js';

/** What the page is made from; the defaults are gemserve's own schema and engine descriptors. */
export interface ConfigurationPageSource {
  settings?: Readonly<Record<string, SettingSpec<unknown>>>;
  /** The engine kinds, in the order the page lists them. */
  engines?: readonly DescribedEngine[];
}

/**
 * The example config file the page shows. The docs test loads it with the real config parser,
 * so the example cannot drift from what gemserve accepts.
 */
export const EXAMPLE_CONFIG = {
  port: 8080,
  apiKeys: ['change-me'],
  model: './models/gemma-3-1b-it-Q4_K_M.gguf',
  dataDir: './data',
  rpm: 60,
  limits: { 'gemini-2.0-flash': { rpm: 10, rpd: 1000 } },
  cache: 'sqlite',
  logLevel: 'info',
};

/**
 * The example `engines` and `models` sections the page shows; like {@link EXAMPLE_CONFIG}, the
 * docs test loads it with the real config parser.
 */
export const EXAMPLE_ENGINES_CONFIG = {
  engines: {
    local: { kind: 'llama-cpp', model: './models/gemma-3-1b-it-Q4_K_M.gguf', parallel: 2 },
    google: { kind: 'gemini-upstream', model: 'gemini-2.5-flash', apiKeyEnv: 'GEMINI_API_KEY' },
    ollama: { kind: 'openai-compatible', baseUrl: 'http://localhost:11434/v1', model: 'qwen3:0.6b', retry: { maxAttempts: 2 } },
  },
  models: { 'gemini-2.0-flash': 'local', 'gemini-2.5-flash': { engine: 'google' }, 'my-qwen': 'ollama' },
};

/**
 * The environment defaults are described in: `~` for the home directory, so the page is the
 * same on every machine (settings with an environment-dependent default also have `defaultText`).
 */
const DOCS_ENV: NodeJS.ProcessEnv = { HOME: '~' };

/** A setting's default as `--help` describes it (src/config/format-help.ts), in Markdown. */
function describeDefault(s: SettingSpec<unknown>): string {
  if (s.defaultText !== undefined) return cell(s.defaultText);
  const v = s.default(DOCS_ENV);
  if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return 'none';
  if (Array.isArray(v)) return cell(code(v.join(',')));
  return cell(code(typeof v === 'object' ? JSON.stringify(v) : String(v)));
}

function flagOf(s: SettingSpec<unknown>): string {
  const flag = s.type === 'boolean' ? `--${s.flag}` : `--${s.flag} ${s.valueName ?? 'VALUE'}`;
  return cell(code(flag)) + (s.type === 'list' ? ' (repeatable)' : '');
}

function helpOf(s: SettingSpec<unknown>): string {
  const notes: string[] = [];
  if (s.pathKind === 'path') notes.push('In the config file, a relative path is taken from the file\'s folder.');
  if (s.pathKind === 'model') {
    notes.push('In the config file, a relative path is taken from the file\'s folder; a bare name is looked up in the pull cache.');
  }
  if (s.secret) notes.push('Secret: never echoed in help or error messages.');
  return [cell(s.help), ...notes].join(' ');
}

/** Renders `docs/configuration.md`. */
export function renderConfigurationPage(source: ConfigurationPageSource = {}): string {
  const settings: Readonly<Record<string, SettingSpec<unknown>>> = source.settings ?? SETTINGS;
  const keys = Object.keys(settings);
  const rows = keys.map((key) => {
    const s = settings[key];
    return [
      flagOf(s),
      [s.env, ...(s.envAliases ?? [])].map(code).join(', '),
      s.notInConfigFile ? '—' : code(key),
      describeDefault(s),
      s.commands.join(', '),
      helpOf(s),
    ];
  });
  const notInFile = keys.filter((k) => settings[k].notInConfigFile);
  // Settings given as JSON objects (their flag's value is JSON text).
  const objectKeys = keys.filter((k) => settings[k].valueName === 'JSON');
  return [
    generatedNotice('src/config/settings.ts and the engine descriptors (src/engines/engine-descriptors.ts)'),
    '',
    '# Configuration',
    '',
    'Every setting can be given four ways. The first that sets a value wins, whole (a list given as a',
    'flag replaces the one in the config file rather than adding to it):',
    '',
    '1. a command-line flag, e.g. `--port 9090`;',
    '2. an environment variable, e.g. `GEMSERVE_PORT=9090` (an empty one counts as unset);',
    '3. the config file given with `--config FILE`, e.g. `{"port": 9090}`;',
    '4. the default.',
    '',
    'Flags shown without a value are switches. Yes-or-no values (the environment variable of a switch,',
    '`--metrics`) accept `1`/`0`, `true`/`false`, `yes`/`no` and `on`/`off`; the config file also takes',
    'JSON `true`/`false`. A list is a repeated flag, a comma-separated environment variable or a JSON',
    'array in the config file. `gemserve <command> --help` lists the settings each command reads.',
    '',
    '## Settings',
    '',
    table(['Flag', 'Environment variable', 'Config file key', 'Default', 'Commands', 'Description'], rows),
    '',
    '## The config file',
    '',
    'A JSON object: the settings under their config file keys (the column above; every setting but',
    `${notInFile.map(code).join(', ')}), and two sections, ${code('engines')} and ${code('models')}. Values are JSON: numbers, ${code('true')}/${code('false')},`,
    `arrays for lists, objects for ${objectKeys.map(code).join(' and ')}, and the strings the flags take for the rest.`,
    'Relative paths are taken from the file\'s folder. The file is checked when it is loaded: an',
    'unknown key or a bad value stops gemserve with a message naming the file and the key.',
    '',
    codeBlock(JSON.stringify(EXAMPLE_CONFIG, null, 2), 'json'),
    '',
    '## Engines and model bindings',
    '',
    'The `engines` section names engines and their settings; `models` binds Gemini model ids to them.',
    '',
    codeBlock(JSON.stringify(EXAMPLE_ENGINES_CONFIG, null, 2), 'json'),
    '',
    renderEnginesSection(source.engines ?? ENGINE_DESCRIPTORS),
    '',
  ].join('\n');
}
