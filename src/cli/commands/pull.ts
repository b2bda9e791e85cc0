/** `gemserve pull <ref>`: downloads a GGUF model into the pull cache (see pull/resolve-pull-ref.ts for the forms). */
import { loadSettings } from '../../config/load-settings.js';
import { ConfigError } from '../../config/config-error.js';
import { checkModelFile } from '../check-model-file.js';
import { formatBytes } from '../pull/format-units.js';
import { MODEL_CATALOG } from '../pull/default-models.js';
import { pullModel } from '../pull/pull-model.js';
import type { Command } from './command.js';

/** The `pull` command. */
export const pullCommand: Command = {
  name: 'pull',
  summary: 'Download a GGUF model into the pull cache (resumable, verified).',
  usage: 'pull <ref> [--sha256 HEX] [--force] [options]',
  description: [
    'ref is one of:',
    `  ${MODEL_CATALOG.map((m) => m.name).join(', ')}`,
    '                                       a short name: one pinned file, checked against its pinned SHA-256',
    '  https://host/path/model.gguf         any URL of a .gguf file',
    '  hf:owner/repo/file.gguf              a file in a Hugging Face repo (also owner/repo/file.gguf,',
    '                                       hf.co/owner/repo/file.gguf); add #revision for a branch or commit',
    '  hf.co/owner/repo:QUANT               the repo file for a quantization, e.g. :Q4_K_M (also hf:owner/repo:QUANT);',
    '                                       lists the repo through the Hugging Face API, so it needs the network',
    '',
    'The download goes to <name>.gguf.part and resumes from there if interrupted; it is checked (size, SHA-256',
    'from --sha256 or the server, GGUF header) before it is moved into place. Serve it with --model <name>.',
  ].join('\n'),
  settingsOf: 'pull',
  options: {
    sha256: { type: 'string', valueName: 'HEX', help: 'Expected SHA-256 of the file; the download is removed if it differs.' },
    force: { type: 'boolean', help: 'Download again even if the model is already in the cache.' },
    json: { type: 'boolean', help: 'Print the result as JSON on stdout.' },
  },
  async run({ flags, positionals }, ctx) {
    if (positionals.length !== 1) throw new ConfigError('pull takes exactly one <ref>; run "gemserve pull --help" for the forms');
    const { settings } = await loadSettings({ command: 'pull', flags, env: ctx.env, cwd: ctx.cwd });
    const result = await pullModel({
      ref: positionals[0],
      modelsDir: settings.modelsDir,
      hfEndpoint: settings.hfEndpoint,
      hfToken: settings.hfToken,
      sha256: flags.sha256 as string | undefined,
      force: flags.force === true,
      verify: checkModelFile,
      stderr: ctx.stderr,
      signal: ctx.signal,
      catalog: ctx.modelCatalog,
    });
    if (result.alreadyPresent) {
      ctx.stderr.write(`${result.name} is already in the cache (use --force to download it again)\n`);
    } else {
      const against = result.catalog ? `the one pinned for ${result.catalog}` : result.sha256CheckedAgainst === 'option' ? '--sha256' : 'the server';
      const checked = result.sha256CheckedAgainst ? `, SHA-256 verified against ${against}` : '';
      ctx.stderr.write(`pulled ${result.name} (${formatBytes(result.bytes ?? 0)}${checked}); serve it with: gemserve serve --model ${result.catalog ?? result.name}\n`);
    }
    ctx.stdout.write(flags.json ? `${JSON.stringify(result)}\n` : `${result.path}\n`);
    return 0;
  },
};
