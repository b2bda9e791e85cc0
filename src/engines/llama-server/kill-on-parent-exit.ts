/**
 * Makes child processes die with gemserve. Node has no prctl(PR_SET_PDEATHSIG), so three layers:
 * 1. `process.on('exit')` kills every registered child (normal exits, `process.exit`, and the
 *    signal handling of `gemserve serve`, which ends in an exit);
 * 2. SIGINT/SIGTERM/SIGHUP handlers for processes that do not handle those signals themselves:
 *    Node's default action kills the process without an 'exit' event, so the handler kills the
 *    children and then re-raises the signal with the default action restored;
 * 3. `spawnArgsDyingWithParent` starts the child through util-linux `setpriv --pdeathsig KILL`
 *    when it exists, so the kernel kills it even when gemserve itself is SIGKILLed.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

const children = new Set<ChildProcess>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type HandledSignal = (typeof SIGNALS)[number];
let installed = false;

function killAll(): void {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch { /* already gone */ }
  }
}

function onSignal(signal: HandledSignal): void {
  // Someone else handles the signal (serve's graceful shutdown): it disposes the engines, and
  // the 'exit' hook catches anything left. Killing the children now would fail requests it
  // is still finishing.
  if (process.listenerCount(signal) > 1) return;
  killAll();
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener('exit', killAll);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/**
 * Registers `child` to be killed (SIGKILL) when this process exits or is killed by a signal
 * nobody handles. Dispose the result once the child has exited; the hooks go away with the last child.
 */
export function killOnParentExit(child: ChildProcess): Disposable {
  children.add(child);
  install();
  const release = () => {
    children.delete(child);
    if (children.size === 0) uninstall();
  };
  child.once('exit', release);
  return { [Symbol.dispose]: release };
}

/** util-linux's setpriv: present on Debian/Ubuntu/Fedora (package util-linux). */
const SETPRIV = '/usr/bin/setpriv';

/**
 * The command and arguments that start `binary args` so that the kernel kills it when this
 * process dies (PR_SET_PDEATHSIG through `setpriv --pdeathsig KILL`, which then execs the
 * binary: same pid). Without setpriv (not Linux), the binary is started directly.
 * The death signal follows the thread that spawned the child; libuv spawns from the main
 * thread, so it fires when the process ends.
 */
export function spawnArgsDyingWithParent(binary: string, args: readonly string[]): { command: string; args: string[] } {
  if (process.platform === 'linux' && existsSync(SETPRIV)) {
    return { command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', binary, ...args] };
  }
  return { command: binary, args: [...args] };
}
