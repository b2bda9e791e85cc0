/**
 * Runs a client program in the foreground, as if the user had typed it: the terminal's stdin,
 * stdout and stderr, its exit code passed on.
 *
 * Signals: Ctrl-C at the terminal reaches the whole foreground process group, the client and
 * gemserve alike. The client decides what Ctrl-C means (gemini-cli cancels the turn, and quits
 * on a second one), so gemserve ignores SIGINT while the client runs instead of dying under
 * it. A SIGTERM or SIGHUP sent to gemserve alone is passed on to the client.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CliError } from '../cli-error.js';

/** What to run. */
export interface ClientCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  shell?: boolean;
}

const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];

/** Runs `client` to its end; resolves with its exit code (128 + the signal's number when a signal ended it, as shells report). */
export function runClient(client: ClientCommand): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(client.command, client.args, { stdio: 'inherit', env: client.env, cwd: client.cwd, shell: client.shell ?? false });
    const ignore = () => {};
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', ignore);
    for (const s of FORWARDED) process.on(s, forward);
    const restore = () => {
      process.off('SIGINT', ignore);
      for (const s of FORWARDED) process.off(s, forward);
    };
    child.once('error', (e) => {
      restore();
      reject(new CliError(`cannot run ${client.command}: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      restore();
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    });
  });
}
