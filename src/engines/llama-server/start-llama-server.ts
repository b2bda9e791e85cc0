/**
 * Starts one llama-server child on loopback and waits until it serves: `GET /health` answers
 * 200 once the model is loaded (503 while loading; tools/server/README.md, "GET /health").
 * Restarting after crashes is the supervisor's job (llama-server-supervisor.ts).
 */
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { findFreePort } from './find-free-port.js';
import { killOnParentExit, spawnArgsDyingWithParent } from './kill-on-parent-exit.js';
import { OutputTail } from './output-tail.js';

/** How to start the child. */
export interface LlamaServerLaunch {
  binary: string;
  /** Everything but `--host` and `--port`, which are added here. */
  args: readonly string[];
  /** A fixed port; default a free one (a new one on each start). */
  port?: number;
  /** How long loading may take before the start counts as failed. */
  startTimeoutMs: number;
  /** Each line the child prints (stdout and stderr), e.g. for debug logging. */
  onOutput?: (line: string) => void;
}

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running, healthy llama-server. */
export interface LlamaServerChild {
  readonly pid: number;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Settles when the process has exited, however it ended. */
  readonly exited: Promise<ChildExit>;
  /** The last lines the child printed. */
  outputTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<ChildExit>;
}

/** The child died or never became healthy; `output` is the tail of what it printed. */
export class LlamaServerStartError extends Error {
  constructor(message: string, readonly output: string) {
    super(output ? `${message}. Its last output:\n${output}` : message);
    this.name = 'LlamaServerStartError';
  }
}

const LOOPBACK = '127.0.0.1';
/** Attempts with a new free port when another process took the one picked (a race). */
const PORT_ATTEMPTS = 3;
/** How long to wait for SIGTERM to end the child before SIGKILL. */
const DEFAULT_STOP_GRACE_MS = 3_000;

/** Describes an exit for messages: `exit code 1` or `signal SIGKILL`. */
export function describeExit(exit: ChildExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

/** GET /health once; true on 200. Any error (refused while binding, 503 while loading) is false. */
function healthy(baseUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(`${baseUrl}/health`, { agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/**
 * Spawns llama-server and resolves once it is healthy.
 * @throws LlamaServerStartError when it exits during startup, or does not become healthy within
 *   `startTimeoutMs` (then it is killed). The message carries the tail of its output.
 */
export async function startLlamaServer(launch: LlamaServerLaunch, signal?: AbortSignal): Promise<LlamaServerChild> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(launch, launch.port ?? await findFreePort(LOOPBACK), signal);
    } catch (e) {
      const portTaken = e instanceof LlamaServerStartError && /bind|address already in use/i.test(e.output);
      if (!portTaken || launch.port !== undefined || attempt >= PORT_ATTEMPTS) throw e;
    }
  }
}

async function startOnce(launch: LlamaServerLaunch, port: number, signal?: AbortSignal): Promise<LlamaServerChild> {
  const tail = new OutputTail();
  const spawnArgs = spawnArgsDyingWithParent(launch.binary, [...launch.args, '--host', LOOPBACK, '--port', String(port)]);
  const child = spawn(spawnArgs.command, spawnArgs.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const reaper = killOnParentExit(child);
  // Always drain both pipes: a full pipe would block the child.
  const onData = (b: Buffer) => {
    for (const line of tail.push(b.toString())) launch.onOutput?.(line);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let exit: ChildExit | undefined;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (e) => {
      // spawn failed (ENOENT, EACCES): no 'exit' follows.
      tail.push(`${e.message}\n`);
      exit = { code: null, signal: null };
      resolve(exit);
    });
    child.once('exit', (code, sig) => {
      exit = { code, signal: sig };
      resolve(exit);
    });
  }).finally(() => reaper[Symbol.dispose]());

  const stop = async (graceMs = DEFAULT_STOP_GRACE_MS): Promise<ChildExit> => {
    if (exit) return exit;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  const baseUrl = `http://${LOOPBACK}:${port}`;
  const deadline = performance.now() + launch.startTimeoutMs;
  let pause = 25;
  for (;;) {
    if (exit) throw new LlamaServerStartError(`llama-server exited with ${describeExit(exit)} before it was ready`, tail.text(15));
    if (signal?.aborted) {
      await stop(0);
      throw signal.reason;
    }
    if (await healthy(baseUrl)) break;
    if (performance.now() > deadline) {
      await stop(500);
      throw new LlamaServerStartError(
        `llama-server did not become ready (GET /health answering 200) within ${(launch.startTimeoutMs / 1000).toFixed(1)} s`,
        tail.text(15),
      );
    }
    await Promise.race([sleep(pause), exited]);
    pause = Math.min(pause * 2, 250);
  }
  return {
    pid: child.pid ?? -1,
    port,
    baseUrl,
    exited,
    outputTail: (lines) => tail.text(lines),
    stop,
  };
}
