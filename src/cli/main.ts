/**
 * The `gemserve` command line: dispatches to src/cli/commands/, prints usage, and turns the
 * errors users cause into one line on stderr and an exit code, never a stack trace:
 * 2 for bad usage or configuration, 1 for a failure (bad model file, download failed), 130
 * for a cancelled pull.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_ERROR_EXIT_CODE, isConfigError } from '../config/config-error.js';
import { isGemserveError } from '../core/errors.js';
import { processContext, type CliContext } from './cli-context.js';
import { isCliError } from './cli-error.js';
import { ALL_COMMANDS } from './commands/all-commands.js';
import { formatCommandHelp } from './format-command-help.js';
import { parseCommandArgs } from './parse-command-args.js';

/** gemserve's version, from package.json (two folders up from both src/cli and dist/cli). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The top-level usage text. */
export function usage(): string {
  const width = Math.max(...ALL_COMMANDS.map((c) => c.name.length));
  return [
    'Usage: gemserve <command> [options]',
    '',
    'Commands:',
    ...ALL_COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "gemserve <command> --help" for its options and settings. "gemserve --version" prints the version.',
    '',
  ].join('\n');
}

/** Prints an error the way users should see it and returns the exit code. */
function report(e: unknown, ctx: CliContext): number {
  if (isConfigError(e)) {
    ctx.stderr.write(`error: ${e.message}\n`);
    return CONFIG_ERROR_EXIT_CODE;
  }
  if (isCliError(e)) {
    ctx.stderr.write(`error: ${e.message}\n`);
    return e.exitCode;
  }
  if (isGemserveError(e)) {
    ctx.stderr.write(`error: ${e.message}\n`);
    return 1;
  }
  // A bug, not a user error: the stack is what a bug report needs.
  const debug = ctx.env.GEMSERVE_LOG_LEVEL === 'debug' || ctx.env.GEMSERVE_LOG_LEVEL === 'trace';
  ctx.stderr.write(`error: ${e instanceof Error ? (debug ? e.stack : e.message) : String(e)}\n`);
  if (!debug) ctx.stderr.write('(set GEMSERVE_LOG_LEVEL=debug for the stack trace)\n');
  return 1;
}

/** Runs `gemserve` with `argv` (without the node and script paths); resolves with the exit code. */
export async function main(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    ctx.stderr.write(usage());
    return 2;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    ctx.stdout.write(`gemserve ${version()}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = ALL_COMMANDS.find((c) => c.name === rest[0]);
    ctx.stdout.write(topic ? formatCommandHelp(topic) : usage());
    return 0;
  }
  const command = ALL_COMMANDS.find((c) => c.name === name);
  if (!command) {
    ctx.stderr.write(`error: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  try {
    const args = parseCommandArgs(command.name, rest, command.settingsOf, command.options);
    if (args.help) {
      ctx.stdout.write(formatCommandHelp(command, ctx.stdout.columns ?? 100));
      return 0;
    }
    return await command.run(args, ctx);
  } catch (e) {
    return report(e, ctx);
  }
}

/** True when this module is the program being run (`tsx src/cli/main.ts`), not imported by bin/gemserve.js. */
function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
