/** `gemserve models`: lists the GGUF files in the pull cache. */
import { loadSettings } from '../../config/load-settings.js';
import { listCachedModels } from '../model-cache.js';
import { formatBytes } from '../pull/format-units.js';
import type { Command } from './command.js';

/** The `models` command. */
export const modelsCommand: Command = {
  name: 'models',
  summary: 'List the models in the pull cache.',
  usage: 'models [--json] [options]',
  settingsOf: 'models',
  options: {
    json: { type: 'boolean', help: 'Print a JSON array of {name, bytes, path, modified}.' },
  },
  async run({ flags }, ctx) {
    const { settings } = await loadSettings({ command: 'models', flags, env: ctx.env, cwd: ctx.cwd });
    const models = await listCachedModels(settings.modelsDir);
    if (flags.json) {
      ctx.stdout.write(`${JSON.stringify(models.map((m) => ({ ...m, modified: m.modified.toISOString() })), null, 2)}\n`);
      return 0;
    }
    if (models.length === 0) {
      ctx.stderr.write(`no models in ${settings.modelsDir}; download one with: gemserve pull <ref>\n`);
      return 0;
    }
    const rows = [['NAME', 'SIZE', 'PATH'], ...models.map((m) => [m.name, formatBytes(m.bytes), m.path])];
    const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) ctx.stdout.write(`${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2]}\n`);
    return 0;
  },
};
