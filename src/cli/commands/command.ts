/**
 * The shape every command file exports: its name, help, the settings it reads and `run`.
 * main.ts parses arguments, answers `--help` from this description and calls `run`.
 */
import type { CommandName } from '../../config/settings.js';
import type { CliContext } from '../cli-context.js';
import type { CommandArgs, CommandOption } from '../parse-command-args.js';

/** One `gemserve <name>` command. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Synopsis after `gemserve `, e.g. `pull <ref> [options]`. */
  usage: string;
  /** Longer help shown by `--help`, below the synopsis. */
  description?: string;
  /** The settings (src/config/settings.ts) this command reads; their flags are accepted. */
  settingsOf?: CommandName;
  /** The command's own options. */
  options?: Record<string, CommandOption>;
  /** Runs the command; resolves with the exit code. */
  run(args: CommandArgs, ctx: CliContext): Promise<number>;
}
