import { execFile } from 'node:child_process';
import { access, constants, lstat, readlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import type { SandboxHost } from './build-sandbox-command.js';
import { buildSeccompFilter } from './build-seccomp-filter.js';
import { BubblewrapPythonSandbox, type CodeRunResult, type PythonSandbox, type SandboxConfinement } from './python-sandbox.js';
import { mib, processAddressSpace } from './run-memory-budget.js';
import { type CgroupSources, findDelegatedCgroup } from './sandbox-cgroup.js';
import { BWRAP_PROCESSES, DEFAULT_SANDBOX_LIMITS, KERNEL_BYTES_PER_PROCESS, MIN_PROCESS_MEMORY_BYTES, SANDBOX_TMP_BYTES, type SandboxLimits } from './sandbox-limits.js';

const run = promisify(execFile);

/** Debian's interpreter (python3-numpy, -pandas and -matplotlib install for it), never a PATH one. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** The libraries Gemini's code execution offers that gemserve requires, with their Debian packages. */
const REQUIRED_MODULES: Record<string, string> = { numpy: 'python3-numpy', pandas: 'python3-pandas', matplotlib: 'python3-matplotlib' };

const INSTALL_HINT = 'apt-get install bubblewrap python3-numpy python3-pandas python3-matplotlib';

/**
 * Runs inside the sandbox once: the versions, read from package metadata (no slow imports), and
 * a check that the namespaces took (a fresh pid namespace, only a loopback interface, no /root).
 */
const PROBE_CODE = `
import json, os, socket, sys, importlib.metadata as md
if os.getpid() > 3 or [n for _, n in socket.if_nameindex()] != ["lo"] or os.path.exists("/root"):
    raise SystemExit("not isolated: pid %d, interfaces %s" % (os.getpid(), socket.if_nameindex()))
found = {}
for name in ${JSON.stringify(Object.keys(REQUIRED_MODULES))}:
    try:
        found[name] = md.version(name)
    except md.PackageNotFoundError:
        found[name] = None
print(json.dumps({"python": sys.version.split()[0], "modules": found}))
`;

/**
 * Finds what code execution needs and proves it works: bubblewrap, Debian's python3 with numpy,
 * pandas and matplotlib, util-linux's prlimit (and setpriv when root), and namespaces the kernel
 * lets us create (one probe run in the real sandbox). Returns the sandbox, or why there is none,
 * so that code execution is refused with that reason: never run unconfined.
 */
export async function findPythonSandbox(
  limits: Partial<SandboxLimits> = {},
  /**
   * Other paths for the tools (a setting, or a test's broken ones); defaults: found on PATH,
   * Debian's python3. `cgroups: false` keeps runs out of cgroups (rlimits only).
   */
  tools: { bwrap?: string; python?: string; cgroups?: CgroupSources | false } = {},
): Promise<BubblewrapPythonSandbox | { unavailable: string }> {
  const merged: SandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
  for (const [k, v] of Object.entries(merged)) {
    const least = k === 'maxQueuedRuns' ? 0 : Number.MIN_VALUE;
    if (!(Number.isFinite(v) && v >= least)) throw new RangeError(`sandbox limit ${k} must be a positive number, got ${v}`);
  }
  if (process.platform !== 'linux') return { unavailable: `code execution needs Linux namespaces (bubblewrap); this host is ${process.platform}` };

  const bwrap = tools.bwrap ?? (await findExecutable('bwrap'));
  if (!bwrap || !(await isExecutable(bwrap))) return { unavailable: `bubblewrap (bwrap) is not installed (Debian: ${INSTALL_HINT})` };
  const python = tools.python ?? DEBIAN_PYTHON;
  if (!(await isExecutable(python))) return { unavailable: `${python} is missing (Debian: ${INSTALL_HINT})` };
  const prlimit = (await findExecutable('prlimit')) ?? '';
  const setpriv = (await findExecutable('setpriv')) ?? '';
  if (!prlimit) return { unavailable: 'prlimit (util-linux) is not installed' };
  const asRoot = process.getuid?.() === 0;
  if (asRoot && !setpriv) return { unavailable: 'setpriv (util-linux) is not installed; as root it is needed to run code under a uid of its own' };

  let seccomp: Buffer;
  try {
    seccomp = buildSeccompFilter();
  } catch (e) {
    return { unavailable: (e as Error).message };
  }
  // A cgroup per run where the host delegates one; else the budget divided into rlimits.
  const cgroups = tools.cgroups === false ? { unavailable: 'turned off' } : await findDelegatedCgroup(tools.cgroups);
  const confinement: SandboxConfinement = { seccomp, ...('unavailable' in cgroups ? {} : { cgroups }) };
  const perProcess = processAddressSpace(merged, confinement.cgroups !== undefined);
  if (perProcess < MIN_PROCESS_MEMORY_BYTES) {
    return {
      unavailable: `a memory budget of ${mib(merged.memoryBytes)} MiB per run leaves ${mib(perProcess)} MiB per process for ` +
        `${merged.maxProcesses} processes (and bwrap's ${BWRAP_PROCESSES}); Python with numpy needs ${mib(MIN_PROCESS_MEMORY_BYTES)}: raise the budget or lower the processes`,
    };
  }
  const host: SandboxHost = { bwrap, python, prlimit, setpriv, rootLinks: await rootLinks() };
  let bwrapVersion: string;
  try {
    bwrapVersion = (await run(bwrap, ['--version'])).stdout.trim();
  } catch (e) {
    return { unavailable: `${bwrap} --version failed: ${(e as Error).message}` };
  }

  const probeLimits: SandboxLimits = { ...merged, wallMs: Math.max(merged.wallMs, 10_000), cpuSeconds: Math.max(merged.cpuSeconds, 10) };
  const probe = new BubblewrapPythonSandbox(host, probeLimits, 'probe', confinement, asRoot);
  let found: { python: string; modules: Record<string, string | null> };
  let probed: CodeRunResult;
  try {
    probed = await probe.run(PROBE_CODE);
  } catch (e) {
    return { unavailable: `bubblewrap cannot create its sandbox on this host (user namespaces disabled?): ${(e as Error).message}` };
  }
  if (probed.outcome !== 'OUTCOME_OK') return { unavailable: `the sandbox's probe run failed: ${probed.output.trim().split('\n').slice(-3).join(' ')}` };
  try {
    found = JSON.parse(probed.output);
  } catch {
    return { unavailable: `the sandbox's probe run printed something unexpected: ${probed.output.slice(0, 200)}` };
  }
  const missing = Object.entries(found.modules).filter(([, v]) => !v).map(([k]) => REQUIRED_MODULES[k]);
  if (missing.length) return { unavailable: `Python libraries missing: Debian packages ${missing.join(', ')} are not installed` };

  const libs = Object.entries(found.modules).map(([k, v]) => `${k} ${v}`).join(', ');
  const who = asRoot ? 'a uid of its own per run' : `uid ${process.getuid?.()}`;
  const memory = confinement.cgroups
    ? `a cgroup v2 per run under ${confinement.cgroups.dir} (memory.max ${mib(merged.memoryBytes)} MiB, pids.max ${merged.maxProcesses + BWRAP_PROCESSES})`
    : `rlimits: ${mib(perProcess)} MiB of address space (+ ${mib(KERNEL_BYTES_PER_PROCESS)} MiB kernel buffers) x ${merged.maxProcesses + BWRAP_PROCESSES} processes + ${mib(2 * SANDBOX_TMP_BYTES)} MiB tmpfs within ${mib(merged.memoryBytes)} MiB per run (no cgroup v2: ${'unavailable' in cgroups ? cgroups.unavailable : ''})`;
  const description = `${bwrapVersion}, Python ${found.python} (${libs}); ${who}; seccomp; ${memory}; ${merged.maxRuns} runs at once, ${merged.maxQueuedRuns} waiting`;
  return new BubblewrapPythonSandbox(host, merged, description, confinement, asRoot);
}

/** /bin, /lib, /lib64, /sbin as the host has them: symlinks into /usr (merged /usr), or directories. */
async function rootLinks(): Promise<SandboxHost['rootLinks']> {
  const links: SandboxHost['rootLinks'] = [];
  for (const path of ['/bin', '/lib', '/lib64', '/sbin']) {
    try {
      const st = await lstat(path);
      if (st.isSymbolicLink()) links.push({ path, symlinkTo: await readlink(path) });
      else if (st.isDirectory()) links.push({ path, symlinkTo: null });
    } catch {
      // Not on this host (e.g. no /lib64): nothing to provide.
    }
  }
  return links;
}

/** An executable on PATH, or in /usr/bin and /usr/sbin (util-linux) when PATH lacks them. */
async function findExecutable(name: string): Promise<string | undefined> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/sbin', '/bin', '/sbin'];
  for (const dir of dirs) {
    const p = join(dir, name);
    if (await isExecutable(p)) return p;
  }
  return undefined;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
