/**
 * Finds the gemini-cli to run: the one named with `--gemini-bin`, else `gemini` on PATH (what
 * the user runs every day), else the `@google/gemini-cli` npm package installed beside gemserve.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { CliError } from '../cli-error.js';

/** How to start gemini-cli: `command` with `args` before the user's own. */
export interface GeminiCliCommand {
  command: string;
  args: string[];
  /** Where it was found, for the line printed before it starts. */
  source: 'flag' | 'PATH' | 'package';
  /** The file that runs: the executable, or the package's JavaScript entry. */
  path: string;
  /** Windows' npm shims (`gemini.cmd`) run only through the shell (Node refuses to spawn them directly since CVE-2024-27980). */
  shell?: boolean;
}

/** The package and its bin entry (`"bin": {"gemini": "bundle/gemini.js"}` in @google/gemini-cli's package.json). */
export const GEMINI_CLI_PACKAGE = '@google/gemini-cli';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `gemini` in one of PATH's folders (with PATHEXT's extensions on Windows), or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const exts = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The package's bin script, resolved as Node resolves gemserve's own dependencies; undefined when not installed. */
export function findPackageBin(from: string = import.meta.url): string | undefined {
  try {
    const manifest = createRequire(from).resolve(`${GEMINI_CLI_PACKAGE}/package.json`);
    const pkg = createRequire(from)(manifest) as { bin?: string | Record<string, string> };
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.gemini;
    return bin ? join(dirname(manifest), bin) : undefined;
  } catch {
    return undefined;
  }
}

/** A JavaScript entry runs under this Node (no reliance on its shebang or on `node` being on PATH). */
function commandFor(path: string, source: GeminiCliCommand['source']): GeminiCliCommand {
  if (/\.[cm]?js$/.test(path)) return { command: process.execPath, args: [path], source, path };
  return { command: path, args: [], source, path, ...(/\.(cmd|bat)$/i.test(path) ? { shell: true } : {}) };
}

/** Resolves the gemini-cli to run. Throws a CliError saying how to install it when there is none. */
export function findGeminiCli(opts: { explicit?: string; env: NodeJS.ProcessEnv; cwd: string; packageFrom?: string }): GeminiCliCommand {
  if (opts.explicit) {
    const path = resolve(opts.cwd, opts.explicit);
    if (!statSafe(path)) throw new CliError(`--gemini-bin ${opts.explicit}: no such file`);
    return commandFor(path, 'flag');
  }
  const onPath = findOnPath('gemini', opts.env);
  if (onPath) return commandFor(onPath, 'PATH');
  const bin = findPackageBin(opts.packageFrom);
  if (bin) return commandFor(bin, 'package');
  throw new CliError(`gemini-cli not found: no "gemini" on PATH and no ${GEMINI_CLI_PACKAGE} beside gemserve. Install it with: npm install -g ${GEMINI_CLI_PACKAGE}`);
}

function statSafe(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
