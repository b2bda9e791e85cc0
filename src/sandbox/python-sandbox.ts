import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { buildSandboxCommand, SECCOMP_FD, type SandboxHost } from './build-sandbox-command.js';
import { readPreludeFrames } from './read-prelude-frames.js';
import { mib, processAddressSpace } from './run-memory-budget.js';
import type { RunCgroup, RunCgroups } from './sandbox-cgroup.js';
import { BWRAP_PROCESSES, MAX_ERROR_TAIL_BYTES, MAX_FIGURE_BYTES, MAX_FIGURES, OUTPUT_FLOOD_BYTES, type SandboxLimits } from './sandbox-limits.js';
import { SandboxRunGate } from './sandbox-run-gate.js';
import { countTasksOfUid, SandboxUidPool } from './sandbox-uids.js';

/** Gemini's `CodeExecutionResult.outcome` values (ai.google.dev/api, CodeExecutionResult; OUTCOME_UNSPECIFIED is never produced). */
export type CodeOutcome = 'OUTCOME_OK' | 'OUTCOME_FAILED' | 'OUTCOME_DEADLINE_EXCEEDED';

/** One run's result, shaped for a `codeExecutionResult` part (plus its figures as `inlineData`). */
export interface CodeRunResult {
  outcome: CodeOutcome;
  /**
   * stdout on success; on failure stdout followed by the error (the traceback's end), as
   * Gemini's tool reports it ("stdout when code execution is successful, stderr or other
   * description otherwise"). stdout is capped at `maxOutputBytes`, with a note when cut; a
   * failure adds at most the last MAX_ERROR_TAIL_BYTES (8 KiB) of stderr. Notes (a figure not
   * returned, the limit that stopped the run) end it, one a line.
   */
  output: string;
  /** Every matplotlib figure still open (or shown with plt.show()) at the end, as PNG bytes, in order. */
  figures: Array<{ mimeType: 'image/png'; data: Uint8Array }>;
}

/** Runs Python programs, each in a fresh sandbox. */
export interface PythonSandbox {
  /**
   * Runs one program in a fresh sandbox. Never throws for the program's own failures (they are
   * OUTCOME_FAILED or OUTCOME_DEADLINE_EXCEEDED); rejects only if the sandbox itself broke, or
   * with `signal.reason` when `signal` aborts (the run is killed first).
   */
  run(code: string, options?: { signal?: AbortSignal }): Promise<CodeRunResult>;
  /** What runs the code, e.g. "bubblewrap 0.8.0, Python 3.11.2 (numpy 1.24.2, ...)". */
  readonly description: string;
}

/** Bytes kept of the prelude channel: the figures allowed, plus room for notes and framing. */
const CHANNEL_KEEP_BYTES = MAX_FIGURES * (MAX_FIGURE_BYTES + 5) + 64 * 1024;

const SIGXCPU_STATUS = 128 + 24;
const SIGKILL_STATUS = 128 + 9;

/** How a sandbox bounds a run's memory (sandbox-cgroup.ts, run-memory-budget.ts) and filters its system calls. */
export interface SandboxConfinement {
  /** A delegated cgroup v2 to make each run's cgroup in; without it the budget is divided into rlimits. */
  cgroups?: RunCgroups;
  /** The compiled seccomp filter (build-seccomp-filter.ts). */
  seccomp: Buffer;
}

/**
 * The sandbox proper, once findPythonSandbox has checked the host can run it.
 *
 * What bounds a run: the wall limit (here), the seccomp filter, and the rlimits prlimit sets
 * (CPU seconds, address space, file size, open files, processes). RLIMIT_NPROC counts per real
 * uid, so as root each run gets a uid of its own; run by another user, the run shares the count
 * with that user's tasks, counted from /proc just before (racy, but bounded). Memory is bounded
 * per run: by the run's cgroup where the host delegates one, else by an address space per
 * process small enough that all the processes a run may have fit in its budget
 * (run-memory-budget.ts). At most `maxRuns` run at once (SandboxRunGate), so the host gives code
 * execution at most maxRuns x memoryBytes.
 */
export class BubblewrapPythonSandbox implements PythonSandbox {
  readonly #uids = new SandboxUidPool();
  readonly #gate: SandboxRunGate;

  constructor(
    readonly host: SandboxHost,
    readonly limits: SandboxLimits,
    readonly description: string,
    readonly confinement: SandboxConfinement,
    /** Root: each run drops to a uid of its own. Otherwise runs keep gemserve's uid. */
    readonly asRoot: boolean = process.getuid?.() === 0,
  ) {
    this.#gate = new SandboxRunGate(limits.maxRuns, limits.maxQueuedRuns);
  }

  /** Runs now and runs waiting. */
  get load(): { running: number; waiting: number } {
    return this.#gate.load;
  }

  async run(code: string, options: { signal?: AbortSignal } = {}): Promise<CodeRunResult> {
    options.signal?.throwIfAborted();
    const release = await this.#gate.enter(options.signal);
    if (!release) {
      const { maxRuns, maxQueuedRuns } = this.limits;
      return {
        outcome: 'OUTCOME_FAILED',
        output: `The code was not run: the sandbox is busy (${maxRuns} runs at once, ${maxQueuedRuns} waiting). Try again later.`,
        figures: [],
      };
    }
    try {
      return await this.#runNow(code, options.signal);
    } finally {
      release();
    }
  }

  async #runNow(code: string, signal?: AbortSignal): Promise<CodeRunResult> {
    signal?.throwIfAborted();
    const uid = this.asRoot ? this.#uids.acquire() : undefined;
    const tasks = this.limits.maxProcesses + BWRAP_PROCESSES;
    let cgroup: RunCgroup | undefined;
    try {
      cgroup = await this.confinement.cgroups?.create({ memoryBytes: this.limits.memoryBytes, maxTasks: tasks });
      // Without a uid of its own the run shares RLIMIT_NPROC with all of gemserve's user's tasks.
      const base = uid === undefined ? await countTasksOfUid(process.getuid?.() ?? 0) : 0;
      const { command, args } = buildSandboxCommand(this.host, this.limits, {
        uid, nproc: base + tasks, addressSpaceBytes: processAddressSpace(this.limits, cgroup !== undefined),
        ...(cgroup ? { cgroupProcs: cgroup.procs } : {}),
      });
      const result = await runSandboxed(command, args, code, this.limits, this.confinement.seccomp, signal);
      if (cgroup && result.outcome === 'OUTCOME_FAILED' && (await cgroup.oomKills()) > 0) {
        result.output += `${result.output && !result.output.endsWith('\n') ? '\n' : ''}The run went past its memory budget of ${mib(this.limits.memoryBytes)} MiB and a process was killed.`;
      }
      return result;
    } finally {
      if (uid !== undefined) this.#uids.release(uid);
      if (cgroup) await cgroup.remove().catch(() => false);
    }
  }
}

type StopReason = 'deadline' | 'flood' | 'abort';

/**
 * Spawns the sandbox, feeds it the code, collects stdout (head), stderr (tail) and the prelude
 * channel, and kills it on the wall limit, on an output flood or on abort. Killing the outer
 * bwrap is enough: the namespace's init dies with it (--die-with-parent), and with the pid
 * namespace's init the kernel kills every process inside.
 */
function runSandboxed(command: string, args: string[], code: string, limits: SandboxLimits, seccomp: Buffer, signal?: AbortSignal): Promise<CodeRunResult> {
  return new Promise<CodeRunResult>((resolve, reject) => {
    const started = Date.now();
    // An empty environment for setpriv, prlimit and bwrap too, not only inside (--clearenv): the
    // namespace's init is a fork of bwrap, and its /proc/1/environ would show bwrap's.
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'], env: {} });
    const stdout = new HeadBuffer(limits.maxOutputBytes);
    const stderr = new TailBuffer(MAX_ERROR_TAIL_BYTES);
    const channel = new HeadBuffer(CHANNEL_KEEP_BYTES);
    let stopped: StopReason | undefined;
    let settled = false;

    let backstop: NodeJS.Timeout | undefined;
    const stop = (why: StopReason) => {
      if (stopped) return;
      stopped = why;
      // Kill the namespace's init: the kernel then kills everything inside at once, and the
      // outer bwrap exits with it. Only if the init is not up yet (or the outer bwrap outlives it
      // by a second) is the outer one killed; --die-with-parent then takes the init down.
      const inits = child.pid === undefined ? [] : childrenOf(child.pid);
      for (const pid of inits) killQuietly(pid);
      if (inits.length === 0) child.kill('SIGKILL');
      else backstop = setTimeout(() => child.kill('SIGKILL'), 1000);
    };
    const timer = setTimeout(() => stop('deadline'), limits.wallMs);
    const onAbort = () => stop('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(backstop);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const checkFlood = () => {
      if (stdout.total + stderr.total > OUTPUT_FLOOD_BYTES || channel.total > CHANNEL_KEEP_BYTES) stop('flood');
    };

    (child.stdout as Readable).on('data', (b: Buffer) => (stdout.push(b), checkFlood()));
    (child.stderr as Readable).on('data', (b: Buffer) => (stderr.push(b), checkFlood()));
    (child.stdio[3] as Readable).on('data', (b: Buffer) => (channel.push(b), checkFlood()));
    // The filter for bwrap's --seccomp (a few hundred bytes: within a pipe's buffer, so end()
    // completes whether or not bwrap has started reading).
    const filterFd = child.stdio[SECCOMP_FD] as Writable;
    filterFd.on('error', () => {}); // EPIPE when the sandbox failed before reading: reported below.
    filterFd.end(seccomp);
    const stdin = child.stdin as Writable;
    stdin.on('error', () => {}); // EPIPE when the sandbox failed before reading: reported below.
    stdin.end(code);

    child.on('error', (e) => finish(() => reject(new Error(`the Python sandbox could not be started: ${e.message}`))));
    child.on('close', (status) => {
      finish(() => {
        if (stopped === 'abort') return reject(signal?.reason);
        const frames = readPreludeFrames(channel.bytes());
        if (!frames.started && stopped === undefined) {
          return reject(new Error(`the Python sandbox failed to start (exit status ${status}): ${stderr.text().trim() || 'no message'}`));
        }
        const elapsedMs = Date.now() - started;
        const out = stdout.text();
        const cut = stdout.total > stdout.kept ? [`[output cut: ${stdout.total} bytes, the first ${stdout.kept} shown]`] : [];
        const notes = [...cut, ...frames.notes];
        const result = (outcome: CodeOutcome, extra: string[], error = ''): CodeRunResult => ({
          outcome,
          output: joinOutput(out, error, [...notes, ...extra]),
          figures: frames.figures,
        });
        if (stopped === 'deadline') {
          return resolve(result('OUTCOME_DEADLINE_EXCEEDED', [`Execution took longer than ${formatSeconds(limits.wallMs)} and was stopped.`]));
        }
        if (stopped === 'flood') {
          return resolve(result('OUTCOME_FAILED', [`The program wrote more than ${OUTPUT_FLOOD_BYTES} bytes of output and was stopped.`]));
        }
        if (status === 0) return resolve(result('OUTCOME_OK', []));
        if (status === SIGXCPU_STATUS || (status === SIGKILL_STATUS && elapsedMs >= limits.cpuSeconds * 1000)) {
          return resolve(result('OUTCOME_DEADLINE_EXCEEDED', [`Execution used more than ${limits.cpuSeconds} s of CPU time and was stopped.`]));
        }
        if (status === SIGKILL_STATUS) {
          return resolve(result('OUTCOME_FAILED', ['The program was killed (SIGKILL), most likely for running out of memory.'], stderr.text()));
        }
        const error = stderr.text();
        const statusNote = error.trim() ? [] : [`The program exited with status ${status}.`];
        return resolve(result('OUTCOME_FAILED', statusNote, error));
      });
    });
  });
}

/** The pids of a process's children (Linux 3.5+, CONFIG_PROC_CHILDREN); empty when unknown. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** stdout, then the error text, then notes, each on its own line. */
function joinOutput(stdout: string, error: string, notes: string[]): string {
  let text = stdout;
  for (const part of [error.trimEnd(), ...notes]) {
    if (!part) continue;
    if (text && !text.endsWith('\n')) text += '\n';
    text += part;
  }
  return text;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The first `limit` bytes of a stream, and how many came in all. */
class HeadBuffer {
  readonly #chunks: Buffer[] = [];
  kept = 0;
  total = 0;
  constructor(readonly limit: number) {}
  push(b: Buffer): void {
    this.total += b.length;
    const room = this.limit - this.kept;
    if (room <= 0) return;
    const part = b.length > room ? b.subarray(0, room) : b;
    this.#chunks.push(part);
    this.kept += part.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
  /** As UTF-8; a character the limit cut in half is left out (a streaming decode holds it back). */
  text(): string {
    return new TextDecoder('utf-8').decode(this.bytes(), { stream: this.total > this.kept });
  }
}

/** The last `limit` bytes of a stream (a traceback ends with what matters), and how many came in all. */
class TailBuffer {
  #tail = Buffer.alloc(0);
  total = 0;
  constructor(readonly limit: number) {}
  push(b: Buffer): void {
    this.total += b.length;
    const joined = Buffer.concat([this.#tail, b]);
    this.#tail = joined.length > this.limit ? joined.subarray(joined.length - this.limit) : joined;
  }
  /** As UTF-8; when cut, from the first whole line kept. */
  text(): string {
    const s = this.#tail.toString('utf8');
    if (this.total <= this.limit) return s;
    const nl = s.indexOf('\n');
    return `[...]\n${nl >= 0 ? s.slice(nl + 1) : s}`;
  }
}
