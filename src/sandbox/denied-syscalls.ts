/**
 * The system calls a sandboxed program may not make (they fail with EPERM), with their numbers
 * on the two architectures the filter supports.
 *
 * The list follows Docker's default seccomp profile (github.com/moby/moby,
 * profiles/seccomp/default.json), which allows a call only when it is on its allowlist or the
 * container holds the capability named beside it (CAP_SYS_ADMIN, CAP_SYS_PTRACE, ...); a
 * sandboxed run holds no capability, so every call below is one Docker refuses it too. Each is
 * either kernel attack surface a Python program has no use for (io_uring, bpf, keyctl,
 * userfaultfd and perf_event_open have each had privilege-escalation bugs reachable by
 * unprivileged users), a way to see or change other processes (ptrace, process_vm_*, kcmp,
 * pidfd_getfd), or something only an administrator does (modules, mounts, clocks, swap, reboot).
 * Two more are refused for the memory budget, not by Docker: shmget (System V segments outlive
 * every process's address space once detached, and a fresh IPC namespace bounds them at
 * SHMALL, effectively unlimited) and memfd_create (its pages count against no RLIMIT_AS and no
 * tmpfs size), so neither can take host memory past the run's budget.
 *
 * Numbers: x86_64 from the kernel's arch/x86/entry/syscalls/syscall_64.tbl, aarch64 from
 * include/uapi/asm-generic/unistd.h (the generic table arm64 uses); `null` where the call does
 * not exist on that architecture. sandbox's seccomp-filter.test.ts checks them against the
 * host's <asm/unistd_64.h> and <asm-generic/unistd.h> when those headers are installed.
 */
export const DENIED_SYSCALLS: ReadonlyArray<{ name: string; x64: number | null; arm64: number | null }> = [
  // io_uring: a second system-call interface that seccomp cannot see into.
  { name: 'io_uring_setup', x64: 425, arm64: 425 },
  { name: 'io_uring_enter', x64: 426, arm64: 426 },
  { name: 'io_uring_register', x64: 427, arm64: 427 },
  // Kernel keyrings (not namespaced).
  { name: 'keyctl', x64: 250, arm64: 219 },
  { name: 'add_key', x64: 248, arm64: 217 },
  { name: 'request_key', x64: 249, arm64: 218 },
  { name: 'bpf', x64: 321, arm64: 280 },
  { name: 'userfaultfd', x64: 323, arm64: 282 },
  { name: 'perf_event_open', x64: 298, arm64: 241 },
  // Other processes.
  { name: 'ptrace', x64: 101, arm64: 117 },
  { name: 'process_vm_readv', x64: 310, arm64: 270 },
  { name: 'process_vm_writev', x64: 311, arm64: 271 },
  { name: 'kcmp', x64: 312, arm64: 272 },
  { name: 'pidfd_getfd', x64: 438, arm64: 438 },
  // Kernel modules and kexec.
  { name: 'kexec_load', x64: 246, arm64: 104 },
  { name: 'kexec_file_load', x64: 320, arm64: 294 },
  { name: 'init_module', x64: 175, arm64: 105 },
  { name: 'finit_module', x64: 313, arm64: 273 },
  { name: 'delete_module', x64: 176, arm64: 106 },
  // Mounts, old and new API, and namespaces.
  { name: 'mount', x64: 165, arm64: 40 },
  { name: 'umount2', x64: 166, arm64: 39 },
  { name: 'pivot_root', x64: 155, arm64: 41 },
  { name: 'open_tree', x64: 428, arm64: 428 },
  { name: 'move_mount', x64: 429, arm64: 429 },
  { name: 'fsopen', x64: 430, arm64: 430 },
  { name: 'fsconfig', x64: 431, arm64: 431 },
  { name: 'fsmount', x64: 432, arm64: 432 },
  { name: 'fspick', x64: 433, arm64: 433 },
  { name: 'mount_setattr', x64: 442, arm64: 442 },
  { name: 'unshare', x64: 272, arm64: 97 },
  { name: 'setns', x64: 308, arm64: 268 },
  // File handles bypass path permissions (the "shocker" container escape).
  { name: 'name_to_handle_at', x64: 303, arm64: 264 },
  { name: 'open_by_handle_at', x64: 304, arm64: 265 },
  { name: 'fanotify_init', x64: 300, arm64: 262 },
  { name: 'quotactl', x64: 179, arm64: 60 },
  { name: 'quotactl_fd', x64: 443, arm64: 443 },
  // The machine: swap, reboot, the kernel log, accounting, clocks, terminals, I/O ports.
  { name: 'swapon', x64: 167, arm64: 224 },
  { name: 'swapoff', x64: 168, arm64: 225 },
  { name: 'reboot', x64: 169, arm64: 142 },
  { name: 'syslog', x64: 103, arm64: 116 },
  { name: 'acct', x64: 163, arm64: 89 },
  { name: 'settimeofday', x64: 164, arm64: 170 },
  { name: 'clock_settime', x64: 227, arm64: 112 },
  { name: 'adjtimex', x64: 159, arm64: 171 },
  { name: 'clock_adjtime', x64: 305, arm64: 266 },
  { name: 'vhangup', x64: 153, arm64: 58 },
  { name: 'ioperm', x64: 173, arm64: null },
  { name: 'iopl', x64: 172, arm64: null },
  { name: 'personality', x64: 135, arm64: 92 },
  { name: 'lookup_dcookie', x64: 212, arm64: 18 },
  // Obsolete calls (most return ENOSYS anyway; Docker denies them all).
  { name: 'uselib', x64: 134, arm64: null },
  { name: '_sysctl', x64: 156, arm64: null },
  { name: 'create_module', x64: 174, arm64: null },
  { name: 'get_kernel_syms', x64: 177, arm64: null },
  { name: 'query_module', x64: 178, arm64: null },
  { name: 'nfsservctl', x64: 180, arm64: 42 },
  // Memory outside the budget (see above).
  { name: 'memfd_secret', x64: 447, arm64: 447 },
  { name: 'memfd_create', x64: 319, arm64: 279 },
  { name: 'shmget', x64: 29, arm64: 194 },
];
