import { BWRAP_PROCESSES, KERNEL_BYTES_PER_PROCESS, SANDBOX_TMP_BYTES, type SandboxLimits } from './sandbox-limits.js';

const MiB = 1024 * 1024;

/**
 * The address space (RLIMIT_AS) each process of a run gets, so that the run as a whole stays
 * within its memory budget.
 *
 * In a cgroup of its own, memory.max bounds the run's total (its processes, its tmpfs pages,
 * everything the kernel charges to it), so one process may use the whole budget.
 *
 * Without one, RLIMIT_AS binds each process alone and a run may have up to
 * `maxProcesses + BWRAP_PROCESSES` of them (RLIMIT_NPROC, on a uid of its own when gemserve is
 * root), so the budget left after /tmp and /dev/shm (two tmpfs of SANDBOX_TMP_BYTES, whose pages
 * no process's address space holds) is divided among them: their product stays within the
 * budget, less KERNEL_BYTES_PER_PROCESS each for the pipe and socket buffers its open files can
 * pin (outside any rlimit; only a cgroup counts them). Resident memory is at most the address
 * space, and pages shared between processes (libraries, memory inherited on fork) count once on
 * the host but in every address space, so the host's real use is lower still.
 */
export function processAddressSpace(limits: Pick<SandboxLimits, 'memoryBytes' | 'maxProcesses'>, inCgroup: boolean): number {
  if (inCgroup) return limits.memoryBytes;
  const shared = limits.memoryBytes - 2 * SANDBOX_TMP_BYTES;
  const each = shared / (limits.maxProcesses + BWRAP_PROCESSES) - KERNEL_BYTES_PER_PROCESS;
  return Math.max(0, Math.floor(each / MiB) * MiB);
}

/** Whole MiB, for messages (`>> 20` would wrap past 2 GiB). */
export function mib(bytes: number): number {
  return Math.floor(bytes / MiB);
}
