import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { AUDIT_ARCH, buildSeccompFilter, SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO, SECCOMP_RET_KILL_PROCESS, X32_SYSCALL_BIT } from './build-seccomp-filter.js';
import { DENIED_SYSCALLS } from './denied-syscalls.js';

/**
 * Runs a classic BPF seccomp program the way the kernel does (kernel/seccomp.c over
 * net/core/filter.c), for the instructions the filter uses: absolute word loads from
 * seccomp_data, JEQ/JGE against a constant, and RET of a constant.
 */
function runFilter(program: Buffer, data: { nr: number; arch: number }): number {
  const seccompData = Buffer.alloc(64);
  seccompData.writeInt32LE(data.nr, 0);
  seccompData.writeUInt32LE(data.arch, 4);
  let acc = 0;
  for (let pc = 0, steps = 0; pc < program.length / 8 && steps < 10_000; steps++) {
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    if (code === 0x20) acc = seccompData.readUInt32LE(k);
    else if (code === 0x15) pc += acc === k ? jt : jf;
    else if (code === 0x35) pc += acc >= k ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`unexpected opcode 0x${code.toString(16)} at ${pc}`);
    pc++;
  }
  throw new Error('the program ran off its end');
}

const ERRNO_EPERM = SECCOMP_RET_ERRNO | 1;

for (const arch of ['x64', 'arm64'] as const) {
  describe(`seccomp filter (${arch})`, () => {
    const program = buildSeccompFilter(arch);
    const audit = AUDIT_ARCH[arch];

    it('is whole instructions, within the kernel\'s BPF_MAXINSNS (4096)', () => {
      assert.equal(program.length % 8, 0);
      assert.ok(program.length / 8 < 4096);
    });

    it('denies every listed call with EPERM', () => {
      for (const s of DENIED_SYSCALLS) {
        const nr = s[arch];
        if (nr !== null) assert.equal(runFilter(program, { nr, arch: audit }), ERRNO_EPERM, s.name);
      }
    });

    it('allows every other call number', () => {
      const denied = new Set(DENIED_SYSCALLS.map((s) => s[arch]));
      let allowed = 0;
      for (let nr = 0; nr < 600; nr++) {
        if (denied.has(nr)) continue;
        assert.equal(runFilter(program, { nr, arch: audit }), SECCOMP_RET_ALLOW, `nr ${nr}`);
        allowed++;
      }
      assert.ok(allowed > 500);
    });

    it('kills a call made through another ABI', () => {
      for (const other of [0x40000003 /* AUDIT_ARCH_I386 */, arch === 'x64' ? AUDIT_ARCH.arm64 : AUDIT_ARCH.x64]) {
        assert.equal(runFilter(program, { nr: 0, arch: other }), SECCOMP_RET_KILL_PROCESS);
      }
    });
  });
}

it('x86_64: x32 calls fail with EPERM, even those whose low bits are an allowed call', () => {
  const program = buildSeccompFilter('x64');
  assert.equal(runFilter(program, { nr: X32_SYSCALL_BIT | 0, arch: AUDIT_ARCH.x64 }), ERRNO_EPERM);
  assert.equal(runFilter(program, { nr: X32_SYSCALL_BIT | 425, arch: AUDIT_ARCH.x64 }), ERRNO_EPERM);
});

it('refuses an architecture it has no table for', () => {
  assert.throws(() => buildSeccompFilter('riscv64'), /no seccomp filter for the riscv64 architecture/);
});

/** `#define __NR_<name> <n>` from a kernel header, when the host has it (Debian: linux-libc-dev). */
function headerNumbers(path: string): Map<string, number> | undefined {
  if (!existsSync(path)) return undefined;
  const numbers = new Map<string, number>();
  for (const m of readFileSync(path, 'utf8').matchAll(/^#define __NR(?:3264)?_(\w+)\s+(\d+)\s*$/gm)) numbers.set(m[1], Number(m[2]));
  return numbers;
}

for (const [arch, path] of [['x64', '/usr/include/x86_64-linux-gnu/asm/unistd_64.h'], ['arm64', '/usr/include/asm-generic/unistd.h']] as const) {
  it(`the ${arch} numbers match the kernel's header ${path}`, (t) => {
    const numbers = headerNumbers(path);
    if (!numbers) return t.skip(`${path} is not installed`);
    for (const s of DENIED_SYSCALLS) {
      if (s[arch] === null) assert.ok(!numbers.has(s.name), `${s.name} exists on ${arch}`);
      else assert.equal(numbers.get(s.name), s[arch], s.name);
    }
  });
}
