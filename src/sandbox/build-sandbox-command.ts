import { SANDBOX_MAX_FILE_BYTES, SANDBOX_MAX_OPEN_FILES, SANDBOX_TMP_BYTES, type SandboxLimits } from './sandbox-limits.js';
import { SANDBOX_PRELUDE } from './sandbox-prelude.js';

/** What the host offers the sandbox: the tools' paths and the root directory's layout. */
export interface SandboxHost {
  bwrap: string;
  /** Debian's interpreter, under /usr (the only tree the sandbox sees). */
  python: string;
  prlimit: string;
  /** util-linux's setpriv; used when gemserve runs as root, to drop to the run's own uid. */
  setpriv: string;
  /**
   * /bin, /lib, /lib64, /sbin: a symlink into /usr on a merged-/usr system (Debian 12), else a
   * directory bound read-only. Absent entries are left out.
   */
  rootLinks: Array<{ path: string; symlinkTo: string | null }>;
}

/** One run's identity and bounds: the uid to drop to (root only), its rlimits, its cgroup. */
export interface SandboxRunIdentity {
  /** Real and effective uid and gid of the run, when gemserve is root; undefined to keep ours. */
  uid?: number;
  /** RLIMIT_NPROC: counts every process and thread of the real uid. */
  nproc: number;
  /** RLIMIT_AS of each process (run-memory-budget.ts). */
  addressSpaceBytes: number;
  /** The run's cgroup.procs (sandbox-cgroup.ts), when it has a cgroup: the first process joins it before anything else runs. */
  cgroupProcs?: string;
}

/**
 * The fd on which bwrap reads the seccomp filter (build-seccomp-filter.ts): 0-2 are stdio, 3 the
 * prelude's channel. bwrap closes it once read, so the program never sees it.
 */
export const SECCOMP_FD = 4;

/**
 * Joins the cgroup, then becomes the rest of the command: `echo 0` moves the shell itself (the
 * process setpriv, prlimit and bwrap then replace), before any of the run's code exists.
 */
const JOIN_CGROUP = 'echo 0 > "$0" && exec "$@"';

/**
 * The few /etc files Debian's Python stack reads, all world-readable and secret-free, bound
 * read-only when present: the dynamic linker's cache (speed), `alternatives` (libblas.so.3 and
 * liblapack.so.3, which numpy links, are symlinks through /etc/alternatives), fontconfig's
 * configuration (matplotlib runs `fc-list`) and Debian's matplotlibrc. Nothing else of /etc:
 * no passwd, hosts, resolv.conf, ssl or machine-id.
 */
export const SANDBOX_ETC_FILES = ['/etc/ld.so.cache', '/etc/alternatives', '/etc/fonts', '/etc/matplotlibrc'];

/** The environment inside: nothing of the host's (--clearenv), only these. */
export const SANDBOX_ENV: Record<string, string> = {
  PATH: '/usr/bin:/bin',
  HOME: '/tmp',
  LANG: 'C.UTF-8',
  MPLBACKEND: 'Agg',
  MPLCONFIGDIR: '/tmp/matplotlib',
  // One BLAS/OpenMP thread: threads count against maxProcesses and each reserves address space.
  OPENBLAS_NUM_THREADS: '1',
  OMP_NUM_THREADS: '1',
};

/**
 * The command line of one run: [sh joining the run's cgroup] → [setpriv to the run's uid] →
 * prlimit (the resource limits, which bwrap and everything inside inherit) → bwrap (namespaces,
 * a read-only /usr, private /tmp, the seccomp filter read from fd 4) → `python3 -I -c PRELUDE`
 * reading the user's code from stdin. fd 3 is the prelude's channel back (a start mark,
 * figures, notes), passed through setpriv, prlimit and bwrap.
 */
export function buildSandboxCommand(host: SandboxHost, limits: SandboxLimits, id: SandboxRunIdentity): { command: string; args: string[] } {
  const argv: string[] = [];
  if (id.cgroupProcs !== undefined) argv.push('/bin/sh', '-c', JOIN_CGROUP, id.cgroupProcs);
  if (id.uid !== undefined) {
    argv.push(host.setpriv, `--reuid=${id.uid}`, `--regid=${id.uid}`, '--clear-groups', '--');
  }
  const memory = Math.floor(id.addressSpaceBytes);
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  argv.push(
    host.prlimit,
    `--nproc=${id.nproc}:${id.nproc}`,
    `--as=${memory}:${memory}`,
    // Soft limit: SIGXCPU (Python dies of it); the hard one a second later is SIGKILL.
    `--cpu=${cpu}:${cpu + 1}`,
    `--fsize=${SANDBOX_MAX_FILE_BYTES}:${SANDBOX_MAX_FILE_BYTES}`,
    `--nofile=${SANDBOX_MAX_OPEN_FILES}:${SANDBOX_MAX_OPEN_FILES}`,
    '--core=0:0',
    '--',
    host.bwrap,
    // New user, pid, net, ipc, uts and cgroup namespaces; no nested user namespaces inside.
    '--unshare-all', '--unshare-user', '--disable-userns',
    '--die-with-parent', '--new-session', '--clearenv', '--hostname', 'sandbox',
    '--seccomp', String(SECCOMP_FD),
    '--ro-bind', '/usr', '/usr',
    // Local installs (pyenv, CUDA, anything an admin put there) are not Debian's: hidden.
    '--tmpfs', '/usr/local',
  );
  for (const link of host.rootLinks) {
    if (link.symlinkTo !== null) argv.push('--symlink', link.symlinkTo, link.path);
    else argv.push('--ro-bind', link.path, link.path);
  }
  for (const etc of SANDBOX_ETC_FILES) argv.push('--ro-bind-try', etc, etc);
  argv.push(
    '--proc', '/proc',
    '--dev', '/dev',
    // bwrap's /dev is an unbounded tmpfs whose shm is world-writable: bound it like /tmp.
    '--size', String(SANDBOX_TMP_BYTES), '--tmpfs', '/dev/shm',
    '--size', String(SANDBOX_TMP_BYTES), '--tmpfs', '/tmp',
    // The root (where /etc's mount points live), /dev and the /usr/local cover are tmpfs that
    // bwrap made writable and unbounded: read-only once everything is mounted.
    '--remount-ro', '/usr/local',
    '--remount-ro', '/dev',
    '--remount-ro', '/',
    '--chdir', '/tmp',
  );
  for (const [k, v] of Object.entries(SANDBOX_ENV)) argv.push('--setenv', k, v);
  argv.push('--', host.python, '-I', '-c', SANDBOX_PRELUDE);
  const [command, ...args] = argv;
  return { command, args };
}
