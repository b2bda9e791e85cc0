import { it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSandboxCommand, SECCOMP_FD, type SandboxHost } from './build-sandbox-command.js';
import { DEFAULT_SANDBOX_LIMITS } from './sandbox-limits.js';

const HOST: SandboxHost = {
  bwrap: '/usr/bin/bwrap',
  python: '/usr/bin/python3',
  prlimit: '/usr/bin/prlimit',
  setpriv: '/usr/bin/setpriv',
  rootLinks: [{ path: '/lib', symlinkTo: 'usr/lib' }, { path: '/bin', symlinkTo: null }],
};

/** The source paths of every bind in a bwrap argument list. */
function bindSources(args: string[]): string[] {
  return args.flatMap((a, i) => (/^--(ro-|dev-)?bind(-try)?$/.test(a) ? [args[i + 1]] : []));
}

const AS = 464 * 2 ** 20;

it('as root: setpriv to the run uid, then prlimit, then bwrap, then python -I', () => {
  const { command, args } = buildSandboxCommand(HOST, DEFAULT_SANDBOX_LIMITS, { uid: 1_900_000_123, nproc: 34, addressSpaceBytes: AS });
  assert.equal(command, '/usr/bin/setpriv');
  assert.deepEqual(args.slice(0, 4), ['--reuid=1900000123', '--regid=1900000123', '--clear-groups', '--']);
  const prlimit = args.indexOf('/usr/bin/prlimit');
  const bwrap = args.indexOf('/usr/bin/bwrap');
  assert.ok(prlimit > 0 && bwrap > prlimit);
  assert.deepEqual(args.slice(prlimit + 1, bwrap), ['--nproc=34:34', `--as=${AS}:${AS}`, '--cpu=30:31', `--fsize=${32 << 20}:${32 << 20}`, '--nofile=256:256', '--core=0:0', '--']);
  assert.deepEqual(args.slice(-4, -1), ['/usr/bin/python3', '-I', '-c']);
});

it('not root: no setpriv', () => {
  const { command } = buildSandboxCommand(HOST, DEFAULT_SANDBOX_LIMITS, { nproc: 300, addressSpaceBytes: AS });
  assert.equal(command, '/usr/bin/prlimit');
});

it('with a cgroup: a shell joins it first (echo 0 > cgroup.procs), then execs the rest', () => {
  const procs = '/sys/fs/cgroup/gemserve.service/run-0a1b2c/cgroup.procs';
  const { command, args } = buildSandboxCommand(HOST, DEFAULT_SANDBOX_LIMITS, { uid: 1_900_000_123, nproc: 8, addressSpaceBytes: AS, cgroupProcs: procs });
  assert.equal(command, '/bin/sh');
  assert.deepEqual(args.slice(0, 4), ['-c', 'echo 0 > "$0" && exec "$@"', procs, '/usr/bin/setpriv']);
});

it('bwrap reads the seccomp filter from fd 4', () => {
  const { args } = buildSandboxCommand(HOST, DEFAULT_SANDBOX_LIMITS, { nproc: 8, addressSpaceBytes: AS });
  assert.equal(SECCOMP_FD, 4);
  assert.equal(args[args.indexOf('--seccomp') + 1], '4');
  assert.ok(args.indexOf('--seccomp') > args.indexOf('/usr/bin/bwrap') && args.indexOf('--seccomp') < args.indexOf('/usr/bin/python3'));
});

it('isolates: every namespace, no host env, read-only root, and binds only /usr, the root links and a few /etc files', () => {
  const { args } = buildSandboxCommand(HOST, DEFAULT_SANDBOX_LIMITS, { nproc: 34, addressSpaceBytes: AS });
  for (const flag of ['--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session', '--clearenv']) assert.ok(args.includes(flag), flag);
  assert.deepEqual(bindSources(args).sort(), ['/bin', '/etc/alternatives', '/etc/fonts', '/etc/ld.so.cache', '/etc/matplotlibrc', '/usr']);
  assert.ok(!args.includes('--share-net'));
  const remounts = args.flatMap((a, i) => (a === '--remount-ro' ? [args[i + 1]] : []));
  assert.deepEqual(remounts, ['/usr/local', '/dev', '/']);
  assert.ok(args.indexOf('--remount-ro') > args.lastIndexOf('--tmpfs'), 'read-only after every mount');
  const env = args.flatMap((a, i) => (a === '--setenv' ? [args[i + 1]] : []));
  assert.deepEqual(env, ['PATH', 'HOME', 'LANG', 'MPLBACKEND', 'MPLCONFIGDIR', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS']);
});
