import { DENIED_SYSCALLS } from './denied-syscalls.js';

/**
 * A seccomp filter for bwrap's `--seccomp FD`: a classic BPF program (an array of
 * `struct sock_filter {u16 code; u8 jt; u8 jf; u32 k}`, 8 bytes each, in the host's byte order)
 * run on every system call over `struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6]}`
 * (include/uapi/linux/seccomp.h, include/uapi/linux/filter.h; Documentation/userspace-api/seccomp_filter.rst).
 * bwrap installs it with PR_SET_NO_NEW_PRIVS just before it execs the sandboxed program, so
 * bwrap's own mounts and namespaces are made before it applies.
 *
 * The program: a call from another ABI kills the process (on x86_64 the i386 ABI through
 * `int 0x80`, whose numbers differ and which has calls like vm86; the kernel's seccomp doc warns
 * that the arch must be checked first); on x86_64 an x32 call (nr with bit 30 set) fails with
 * EPERM; a denied call (denied-syscalls.ts) fails with EPERM; everything else is allowed.
 */

// BPF opcodes (include/uapi/linux/bpf_common.h).
const BPF_LD_W_ABS = 0x00 | 0x00 | 0x20; // BPF_LD | BPF_W | BPF_ABS
const BPF_JEQ_K = 0x05 | 0x10 | 0x00; // BPF_JMP | BPF_JEQ | BPF_K
const BPF_JGE_K = 0x05 | 0x30 | 0x00; // BPF_JMP | BPF_JGE | BPF_K
const BPF_RET_K = 0x06 | 0x00; // BPF_RET | BPF_K

/** Return values (include/uapi/linux/seccomp.h). */
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_ERRNO = 0x00050000;
export const SECCOMP_RET_ALLOW = 0x7fff0000;
const EPERM = 1;

/** include/uapi/linux/audit.h: EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE, and EM_AARCH64 likewise. */
export const AUDIT_ARCH = { x64: 0xc000003e, arm64: 0xc00000b7 } as const;

/** x32 system calls are x86_64 numbers with this bit set (arch/x86/include/uapi/asm/unistd.h). */
export const X32_SYSCALL_BIT = 0x40000000;

const OFFSET_NR = 0;
const OFFSET_ARCH = 4;

export type SeccompArch = keyof typeof AUDIT_ARCH;

interface Insn { code: number; jt: number; jf: number; k: number }

/**
 * The filter for `arch` (Node's `process.arch` names), as the bytes bwrap reads from its fd.
 * Throws on an architecture it has no syscall table for: the caller refuses code execution
 * there rather than run it unfiltered.
 */
export function buildSeccompFilter(arch: string = process.arch): Buffer {
  if (!(arch in AUDIT_ARCH)) throw new Error(`no seccomp filter for the ${arch} architecture (x64 and arm64 only)`);
  const a = arch as SeccompArch;
  const denied = [...new Set(DENIED_SYSCALLS.flatMap((s) => (s[a] === null ? [] : [s[a]])))].sort((x, y) => x - y);

  // Laid out so every jump is forward: checks, then ALLOW, ERRNO, KILL at the end.
  const checks: Array<(at: number, labels: { errno: number; kill: number }) => Insn> = [];
  checks.push(() => ({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFFSET_ARCH }));
  checks.push((at, l) => ({ code: BPF_JEQ_K, jt: 0, jf: jump(at, l.kill), k: AUDIT_ARCH[a] }));
  checks.push(() => ({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFFSET_NR }));
  if (a === 'x64') checks.push((at, l) => ({ code: BPF_JGE_K, jt: jump(at, l.errno), jf: 0, k: X32_SYSCALL_BIT }));
  for (const nr of denied) checks.push((at, l) => ({ code: BPF_JEQ_K, jt: jump(at, l.errno), jf: 0, k: nr }));
  const allow = checks.length;
  const labels = { errno: allow + 1, kill: allow + 2 };
  const program: Insn[] = [
    ...checks.map((make, at) => make(at, labels)),
    { code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW },
    { code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ERRNO | EPERM },
    { code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_KILL_PROCESS },
  ];

  const bytes = Buffer.alloc(program.length * 8);
  program.forEach((insn, i) => {
    bytes.writeUInt16LE(insn.code, i * 8);
    bytes.writeUInt8(insn.jt, i * 8 + 2);
    bytes.writeUInt8(insn.jf, i * 8 + 3);
    bytes.writeUInt32LE(insn.k, i * 8 + 4);
  });
  return bytes;
}

/** A conditional jump's offset: instructions skipped after the next one, at most 255 (u8). */
function jump(from: number, to: number): number {
  const offset = to - from - 1;
  if (offset < 0 || offset > 255) throw new Error(`seccomp filter jump of ${offset} does not fit in a u8`);
  return offset;
}
