import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { findPythonSandbox } from './find-python-sandbox.js';
import type { PythonSandbox } from './python-sandbox.js';

// Programs that try to get out. Each must fail safely; small limits keep the slow ones quick.
// Skips only when the host has no sandbox; in CI (which installs it) a missing sandbox fails.
const WALL_MS = 2000;
const MAX_PROCESSES = 6;
const [tight, cpuBound, roomy] = await Promise.all([
  findPythonSandbox({ wallMs: WALL_MS, cpuSeconds: 10, maxProcesses: MAX_PROCESSES, maxOutputBytes: 4096 }),
  findPythonSandbox({ wallMs: 20_000, cpuSeconds: 1 }),
  // Filling 464 MiB page by page takes about a second on a busy 2-core VM: more than WALL_MS allows.
  findPythonSandbox({ wallMs: 20_000, cpuSeconds: 20 }),
]);

function sandboxOrSkip(t: TestContext, found = tight): PythonSandbox | undefined {
  if ('run' in found) return found;
  if (process.env.CI === 'true') assert.fail(`no Python sandbox in CI: ${found.unavailable}`);
  t.skip(`no Python sandbox on this host: ${found.unavailable}`);
  return undefined;
}

/** A process's command name and parent, from /proc/<pid>/stat; undefined once it is gone. */
function procStat(pid: number): { comm: string; state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const [state, ppid] = stat.slice(close + 2).split(' ');
    return { comm: stat.slice(stat.indexOf('(') + 1, close), state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/**
 * Live sandbox processes (bwrap, or Python running the prelude, whose source is on its command
 * line) that no node process owns any more: a run's processes all descend from the node process
 * that started it, so an orphan is one that outlived its run. (Runs of other test files running
 * at the same time still have their node ancestor.) Zombies are not counted: bwrap's outer
 * process exits as soon as the namespace's init reports the exit status, so the init's zombie
 * (exited, holding nothing but its pid) is left for the host's pid 1 to reap.
 */
function leftoverSandboxProcesses(): string[] {
  const left: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const stat = procStat(pid);
    if (!stat || stat.state === 'Z' || (!cmdline.includes('_gemserve_run') && stat.comm !== 'bwrap')) continue;
    let owned = false;
    for (let p = procStat(pid)?.ppid ?? 0, hops = 0; p > 1 && hops < 64; p = procStat(p)?.ppid ?? 0, hops++) {
      if (procStat(p)?.comm.startsWith('node')) owned = true;
    }
    if (!owned) left.push(`${pid}: ${cmdline.replaceAll('\0', ' ').slice(0, 80)}`);
  }
  return left;
}

async function assertNoLeftovers(): Promise<void> {
  // The namespace's processes are killed with its init; give the kernel a moment to reap them.
  for (let i = 0; i < 20 && leftoverSandboxProcesses().length; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(leftoverSandboxProcesses(), [], 'no sandbox process left on the host');
}

const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
};

describe('PythonSandbox: escapes fail safely', () => {
  const secret = `s3cret-${randomBytes(8).toString('hex')}`;
  let server: Server;
  let port = 0;
  let connections = 0;

  before(async () => {
    process.env.GEMSERVE_SANDBOX_TEST_SECRET = secret;
    server = createServer((sock) => {
      connections++;
      sock.end('hello from the host\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(async () => {
    delete process.env.GEMSERVE_SANDBOX_TEST_SECRET;
    await new Promise((r) => server.close(r));
  });

  it('sees none of the host root: only /usr and its links, a few /etc files, /proc, /dev, /tmp', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run('import os\nprint(sorted(os.listdir("/")))\nprint(sorted(os.listdir("/etc")))\nprint(os.listdir("/usr/local"))');
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    const [root, etc, local] = r.output.trim().split('\n');
    for (const name of root.match(/'([^']+)'/g) ?? []) {
      assert.ok(["'bin'", "'dev'", "'etc'", "'lib'", "'lib64'", "'proc'", "'sbin'", "'tmp'", "'usr'"].includes(name), `unexpected /${name}`);
    }
    assert.equal(etc, "['alternatives', 'fonts', 'ld.so.cache', 'matplotlibrc']".replace(/'matplotlibrc'/, existsSync('/etc/matplotlibrc') ? "'matplotlibrc'" : '').replace(', ]', ']'));
    assert.equal(local, '[]', '/usr/local is hidden');
  });

  it('cannot read /etc/shadow, /etc/passwd, /root, /work or the project files', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const project = resolve('package.json');
    const paths = ['/etc/shadow', '/etc/passwd', '/root/.bashrc', '/work', project, '/home', '/var/log', '/sys/kernel'];
    const code = `import os\nfor p in ${JSON.stringify(paths)}:\n    try:\n        print(p, "READ", os.listdir(p) if os.path.isdir(p) else open(p).read()[:40])\n    except OSError as e:\n        print(p, type(e).__name__)`;
    const r = await sb.run(code);
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    for (const p of paths) assert.match(r.output, new RegExp(`^${p.replace(/[.]/g, '\\.')} (FileNotFoundError|PermissionError)$`, 'm'), `${p} unreadable`);
    assert.doesNotMatch(r.output, /READ/);
  });

  it("sees no host process or environment: /proc/1 is the sandbox's own init, and no secret anywhere", async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run(
      'import os\nprint("pids", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))\nprint(dict(os.environ))\n' +
        'for p in [p for p in os.listdir("/proc") if p.isdigit()]:\n' +
        '    for f in ("environ", "cmdline"):\n' +
        '        try:\n            print(p, f, open(f"/proc/{p}/{f}", "rb").read().replace(b"\\0", b" ")[:20000])\n' +
        '        except OSError as e:\n            print(p, f, type(e).__name__)',
    );
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    assert.match(r.output, /^pids \[1, 2\]$/m, 'only the namespace init (bwrap) and python');
    assert.ok(!r.output.includes(secret), 'the secret in the test process env is invisible');
    assert.ok(!r.output.includes('GEMSERVE_SANDBOX_TEST_SECRET'));
    assert.match(r.output, /^\{'PATH': '\/usr\/bin:\/bin', 'HOME': '\/tmp', 'LANG': 'C.UTF-8'/m);
  });

  it('cannot connect to a TCP server on the host loopback', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run(`import socket\ns = socket.create_connection(("127.0.0.1", ${port}), timeout=1)\nprint(s.recv(100))`);
    assert.equal(r.outcome, 'OUTCOME_FAILED');
    assert.match(r.output, /OSError|ConnectionRefusedError|Network is unreachable/);
    assert.doesNotMatch(r.output, /hello from the host/);
    assert.equal(connections, 0, 'the host server saw no connection');
  });

  it('has no DNS and no network interface but a down loopback', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run(
      'import socket\ntry:\n    print(socket.getaddrinfo("example.com", 80))\nexcept OSError as e:\n    print("dns", type(e).__name__)\n' +
        'print(sorted(n for _, n in socket.if_nameindex()))\n' +
        'try:\n    socket.create_connection(("1.1.1.1", 53), timeout=1)\nexcept OSError as e:\n    print("internet", e)',
    );
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    assert.match(r.output, /^dns gaierror$/m);
    assert.match(r.output, /^\['lo'\]$/m);
    assert.match(r.output, /^internet \[Errno 101\] Network is unreachable$/m);
  });

  it('cannot write outside /tmp; /tmp and /dev/shm are bounded', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run(
      'import os\nfor p in ["/usr/evil", "/etc/evil", "/evil", "/proc/evil", "/usr/local/evil", "/dev/evil", "/etc/fonts/evil", "/home"]:\n' +
        '    try:\n        open(p, "w").write("x")\n        print(p, "WROTE")\n    except OSError as e:\n        print(p, type(e).__name__, e.errno)\n' +
        'print(open("/dev/null", "w").write("ok"))\n' +
        'for d in ["/tmp", "/dev/shm"]:\n    n = 0\n    try:\n        for i in range(100):\n' +
        '            with open(f"{d}/f{i}", "wb") as f:\n                f.write(b"\\0" * (16 << 20))\n            n += 16\n' +
        '    except OSError as e:\n        print(d, "stopped at", n, "MiB:", e.strerror)',
    );
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    assert.doesNotMatch(r.output, /WROTE/);
    assert.match(r.output, /^\/tmp stopped at \d+ MiB: No space left on device$/m);
    assert.match(r.output, /^\/dev\/shm stopped at \d+ MiB: No space left on device$/m);
    assert.match(r.output, /^\/evil OSError 30$/m, 'EROFS: the root is read-only');
  });

  it('a fork bomb is bounded by the process limit, and leaves nothing behind', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const counted = await sb.run(
      'import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            time.sleep(30)\n            os._exit(0)\n        n += 1\nexcept OSError as e:\n    print(n, e.strerror)',
    );
    assert.equal(counted.outcome, 'OUTCOME_OK', counted.output);
    const [n] = counted.output.split(' ');
    assert.ok(Number(n) > 0 && Number(n) <= MAX_PROCESSES, `forked ${n} (limit ${MAX_PROCESSES})`);
    await assertNoLeftovers();

    const bomb = await timed(() => sb.run('import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass'));
    assert.equal(bomb.value.outcome, 'OUTCOME_DEADLINE_EXCEEDED', bomb.value.output);
    assert.ok(bomb.ms < WALL_MS + 3000, `ended in ${bomb.ms.toFixed(0)} ms`);
    await assertNoLeftovers();
  });

  it('an infinite loop is OUTCOME_DEADLINE_EXCEEDED at the wall limit, keeping the output so far', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const { value: r, ms } = await timed(() => sb.run('print("started")\nwhile True:\n    pass'));
    assert.equal(r.outcome, 'OUTCOME_DEADLINE_EXCEEDED');
    assert.match(r.output, /^started\nExecution took longer than 2 s and was stopped\.$/);
    assert.ok(ms >= WALL_MS && ms < WALL_MS + 2500, `stopped after ${ms.toFixed(0)} ms`);
    await assertNoLeftovers();
  });

  it('time.sleep(1e9) is OUTCOME_DEADLINE_EXCEEDED too', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const { value: r, ms } = await timed(() => sb.run('import time\ntime.sleep(1e9)'));
    assert.equal(r.outcome, 'OUTCOME_DEADLINE_EXCEEDED');
    assert.ok(ms < WALL_MS + 2500, `stopped after ${ms.toFixed(0)} ms`);
    await assertNoLeftovers();
  });

  it('the CPU-time limit kills a busy loop: OUTCOME_DEADLINE_EXCEEDED', async (t) => {
    const sb = sandboxOrSkip(t, cpuBound);
    if (!sb) return;
    const { value: r, ms } = await timed(() => sb.run('while True:\n    pass'));
    assert.equal(r.outcome, 'OUTCOME_DEADLINE_EXCEEDED', r.output);
    assert.match(r.output, /more than 1 s of CPU time/);
    assert.ok(ms < 10_000, `stopped after ${ms.toFixed(0)} ms, long before the 20 s wall limit`);
  });

  it('allocating 10 GB is OUTCOME_FAILED with MemoryError, and the host is fine', async (t) => {
    const sb = sandboxOrSkip(t, roomy);
    if (!sb) return;
    const before = process.memoryUsage().rss;
    for (const code of ['x = bytearray(10 * 1000**3)', 'import numpy as np\nx = np.ones(10 * 1000**3 // 8)', 'x = []\nwhile True:\n    x.append(bytearray(100 << 20))']) {
      const r = await sb.run(code);
      assert.equal(r.outcome, 'OUTCOME_FAILED', `${code}: ${r.output}`);
      assert.match(r.output, /MemoryError/);
      assert.match(r.output, /The sandbox allows 464 MiB of memory per process/);
    }
    assert.ok(process.memoryUsage().rss - before < 100 << 20);
    assert.equal((await sb.run('print("still fine")')).output, 'still fine\n');
  });

  it('huge output is cut at maxOutputBytes with a note; an endless flood is stopped', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run('print("x" * 1000000)\nprint("done")');
    assert.equal(r.outcome, 'OUTCOME_OK');
    assert.ok(r.output.startsWith('x'.repeat(4096)));
    assert.match(r.output, /\n\[output cut: 1000006 bytes, the first 4096 shown\]$/);
    assert.ok(r.output.length < 4096 + 100);

    const { value: flood, ms } = await timed(() => sb.run('while True:\n    print("y" * 100000)'));
    assert.equal(flood.outcome, 'OUTCOME_FAILED');
    assert.match(flood.output, /wrote more than \d+ bytes of output and was stopped/);
    assert.ok(flood.output.length < 4096 + 300);
    assert.ok(ms < WALL_MS, `stopped after ${ms.toFixed(0)} ms, before the wall limit`);
  });

  it('an abort signal kills the run and rejects with its reason', async (t) => {
    const sb = sandboxOrSkip(t, roomy); // a 20 s wall limit: only the abort can end it early
    if (!sb) return;
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('client went away')), 300);
    const t0 = performance.now();
    await assert.rejects(sb.run('import time\ntime.sleep(60)', { signal: ac.signal }), /client went away/);
    assert.ok(performance.now() - t0 < 2500, 'killed at once');
    await assertNoLeftovers();
    await assert.rejects(sb.run('print(1)', { signal: AbortSignal.abort(new Error('already')) }), /already/);
  });

  it('inherits no file descriptor but stdio and the figure channel (nothing gemserve\'s parent leaked)', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    // fd 4 is the prelude's /dev/null stdin; the one os.listdir opens reads as gone.
    const r = await sb.run('import os\nfor f in os.listdir("/proc/self/fd"):\n    try:\n        print(f, os.readlink(f"/proc/self/fd/{f}"))\n    except OSError:\n        pass');
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    const fds = r.output.trim().split('\n').map((l) => l.split(' ')[0]);
    assert.deepEqual(fds.sort(), ['0', '1', '2', '3', '4'], r.output);
    assert.match(r.output, /^4 \/dev\/null$/m);
  });

  it('cannot make nested user namespaces, and has no capabilities', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run(
      'import subprocess\nprint(subprocess.run(["unshare", "-Ur", "id"], capture_output=True, text=True).returncode)\n' +
        'print([l for l in open("/proc/self/status") if l.startswith("CapEff")][0].split()[1])',
    );
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    assert.match(r.output, /^[1-9]\d*\n0000000000000000\n$/);
  });
});
