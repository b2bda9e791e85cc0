import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Where Linux shows processes; elsewhere absent, and the checks fall back to `kill(pid, 0)`. */
const PROC = '/proc';

/**
 * Whether a process with this pid exists on this host and has not exited (EPERM: it does, under
 * another user). A zombie (exited, not yet reaped by its parent) answers `kill(pid, 0)` but is
 * dead: on Linux its `/proc/<pid>/stat` state is `Z` (or `X`), proc(5). Without /proc only
 * `kill(pid, 0)` decides.
 */
export function processIsAlive(pid: number, procDir: string = PROC): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = procStateOf(pid, procDir);
  return state !== 'Z' && state !== 'X';
}

/**
 * Whether this pid is a live Node.js process, as a gemserve server is: {@link processIsAlive}
 * and, where /proc shows it, a command line run by node (`node …`, `nodejs …`, or naming
 * gemserve). A pid reused by an unrelated program after a kill -9 then counts as dead. An
 * unreadable command line (another user's process under `hidepid`) counts as alive, as before.
 */
export function nodeProcessIsAlive(pid: number, procDir: string = PROC): boolean {
  if (!processIsAlive(pid, procDir)) return false;
  const argv = cmdlineOf(pid, procDir);
  if (argv === undefined) return true;
  if (argv.length === 0) return false;
  return /^node(js)?(\d+)?(\.exe)?$/i.test(basename(argv[0])) || argv.some((a) => /gemserve/i.test(a));
}

/** The one-letter state in `/proc/<pid>/stat` (the field after the parenthesised command, which may itself hold `)`). */
export function parseProcState(stat: string): string | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  return /^\s*(\S)/.exec(stat.slice(close + 1))?.[1];
}

function procStateOf(pid: number, procDir: string): string | undefined {
  try {
    return parseProcState(readFileSync(`${procDir}/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `/proc/<pid>/cmdline` split at its NULs; undefined when it cannot be read. */
function cmdlineOf(pid: number, procDir: string): string[] | undefined {
  try {
    return readFileSync(`${procDir}/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}
