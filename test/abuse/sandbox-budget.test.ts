/**
 * Code execution holds its budget (issue 14, item 7): one run forking children that each
 * allocate all they can keeps the host memory the run takes under its per-run budget; a fork
 * bomb fails inside; the system calls the seccomp filter denies fail with EPERM inside; runs past
 * the cap on concurrent runs wait, and past the queue are not run.
 *
 * Host memory is measured from outside: the resident memory (VmRSS) of every process descending
 * from this test process, summed and sampled every 50 ms while the run goes; pages shared by
 * forked processes count once per process, so the sum can only overstate the host's real use.
 */
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { findPythonSandbox } from '../../src/sandbox/find-python-sandbox.js';
import type { BubblewrapPythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { DEFAULT_SANDBOX_LIMITS } from '../../src/sandbox/sandbox-limits.js';

const MiB = 1024 * 1024;
const BUDGET = DEFAULT_SANDBOX_LIMITS.memoryBytes;

const [roomy, capped] = await Promise.all([
  // Filling a few GiB page by page takes seconds on a busy 2-core VM.
  findPythonSandbox({ wallMs: 25_000, cpuSeconds: 25 }),
  findPythonSandbox({ wallMs: 10_000, maxRuns: 1, maxQueuedRuns: 1 }),
]);

function sandboxOrSkip(t: TestContext, found: typeof roomy): BubblewrapPythonSandbox | undefined {
  if ('run' in found) return found;
  if (process.env.CI === 'true') assert.fail(`no Python sandbox in CI: ${found.unavailable}`);
  t.skip(`no Python sandbox on this host: ${found.unavailable}`);
  return undefined;
}

/** pid → ppid and VmRSS (bytes) of every live process. */
function processTable(): Map<number, { ppid: number; rss: number }> {
  const table = new Map<number, { ppid: number; rss: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
      table.set(Number(name), { ppid, rss });
    } catch {
      // Gone while we looked.
    }
  }
  return table;
}

/** Summed VmRSS of this process's descendants (the sandbox runs), not of this process. */
function descendantsRss(): { bytes: number; processes: number } {
  const table = processTable();
  let bytes = 0;
  let processes = 0;
  for (const [pid, p] of table) {
    for (let up = p.ppid, hops = 0; up > 1 && hops < 64; up = table.get(up)?.ppid ?? 0, hops++) {
      if (up === process.pid) {
        bytes += p.rss;
        processes++;
        break;
      }
    }
    void pid;
  }
  return { bytes, processes };
}

/** Runs `work` while sampling the runs' summed RSS; returns the work's value and the peak seen. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peak: number; most: number }> {
  let peak = 0;
  let most = 0;
  const timer = setInterval(() => {
    const now = descendantsRss();
    peak = Math.max(peak, now.bytes);
    most = Math.max(most, now.processes);
  }, 50);
  try {
    return { value: await work(), peak, most };
  } finally {
    clearInterval(timer);
  }
}

describe('code execution: a budget per run', () => {
  it('12 forked children each allocating all they can stay under the per-run budget together', async (t) => {
    const sb = sandboxOrSkip(t, roomy);
    if (!sb) return;
    // Each child, then the parent, fills 16 MiB blocks (written, so resident) until MemoryError;
    // the children report what they got on a pipe and hold it until the parent has filled its own.
    const code = `
import os, sys, time
def fill():
    got = []
    try:
        while True:
            got.append(b"\\x01" * (16 << 20))
    except MemoryError:
        pass
    return got
r, w = os.pipe()
kids, refused = 0, 0
for i in range(12):
    try:
        pid = os.fork()
    except OSError:
        refused += 1
        continue
    if pid == 0:
        os.close(r)
        got = fill()
        os.write(w, b"%d\\n" % (len(got) * 16))
        time.sleep(4)
        os._exit(0)
    kids += 1
os.close(w)
mine = fill()
mib = [int(l) for l in os.fdopen(r).read().split()] + [len(mine) * 16]
print("children", kids, "refused", refused, "MiB", sum(mib), mib)
`;
    const { value: r, peak, most } = await withPeakRss(() => sb.run(code));
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    const [, kids, refused, total] = /^children (\d+) refused (\d+) MiB (\d+)/m.exec(r.output)?.map(Number) ?? [];
    t.diagnostic(`${r.output.trim()}; peak summed RSS ${(peak / MiB).toFixed(0)} MiB over up to ${most} processes; budget ${BUDGET / MiB} MiB`);
    assert.ok(kids >= 1 && kids + refused === 12, r.output);
    assert.ok(refused > 0, 'the process limit refuses some of the 12 forks');
    assert.ok(total * MiB < BUDGET, `the processes got ${total} MiB`);
    assert.ok(total * MiB > BUDGET / 2, `the processes got ${total} MiB: the test allocated too little to prove anything`);
    assert.ok(peak < BUDGET, `host memory of the run peaked at ${(peak / MiB).toFixed(0)} MiB`);
  });

  it('a fork bomb fails inside: forks past the process limit fail with EAGAIN', async (t) => {
    const sb = sandboxOrSkip(t, capped);
    if (!sb) return;
    const r = await sb.run('import os\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            import time; time.sleep(30)\n        n += 1\nexcept OSError as e:\n    print(n, e.strerror)');
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    const [n, reason] = [Number(r.output.split(' ')[0]), r.output.slice(r.output.indexOf(' ') + 1).trim()];
    assert.ok(n >= 1 && n < DEFAULT_SANDBOX_LIMITS.maxProcesses, `forked ${n}`);
    assert.equal(reason, 'Resource temporarily unavailable');
  });

  it('io_uring, keyctl, bpf, ptrace, userfaultfd, perf_event_open and the rest fail with EPERM inside', async (t) => {
    const sb = sandboxOrSkip(t, capped);
    if (!sb) return;
    if (process.arch !== 'x64') return t.skip('the program below uses x86_64 numbers');
    const calls: Record<string, number> = {
      io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, keyctl: 250, add_key: 248, request_key: 249,
      bpf: 321, ptrace: 101, userfaultfd: 323, perf_event_open: 298, process_vm_readv: 310, unshare: 272, setns: 308,
      mount: 165, open_tree: 428, fsopen: 430, kexec_load: 246, init_module: 175, memfd_create: 319, shmget: 29,
      personality: 135, open_by_handle_at: 304, x32_getpid: 0x40000000 + 39, getpid: 39,
    };
    const r = await sb.run(
      `import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.syscall.restype = ctypes.c_long\n` +
        `for name, nr in ${JSON.stringify(Object.entries(calls))}:\n` +
        `    ctypes.set_errno(0)\n    res = libc.syscall(ctypes.c_long(nr), 0, 0, 0, 0, 0, 0)\n    print(name, res, ctypes.get_errno())`,
    );
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    for (const name of Object.keys(calls)) {
      if (name === 'getpid') assert.match(r.output, /^getpid 2 0$/m, 'allowed calls still work (pid 2 in the sandbox)');
      else assert.match(r.output, new RegExp(`^${name} -1 1$`, 'm'), `${name}: EPERM`);
    }
  });
});

describe('code execution: a cap on concurrent runs', () => {
  it('runs past the cap wait their turn; past the queue they are not run', async (t) => {
    const sb = sandboxOrSkip(t, capped);
    if (!sb) return;
    const program = 'import time\nt = time.time()\ntime.sleep(1)\nprint(t)';
    const first = sb.run(program);
    const second = sb.run(program);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(sb.load, { running: 1, waiting: 1 });
    const third = await sb.run(program);
    assert.deepEqual(third, {
      outcome: 'OUTCOME_FAILED', output: 'The code was not run: the sandbox is busy (1 runs at once, 1 waiting). Try again later.', figures: [],
    });
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.outcome, 'OUTCOME_OK', a.output);
    assert.equal(b.outcome, 'OUTCOME_OK', b.output);
    assert.ok(Number(b.output) - Number(a.output) >= 1, 'the second started after the first had slept its second');
    assert.deepEqual(sb.load, { running: 0, waiting: 0 });
  });
});
