import { it } from 'node:test';
import assert from 'node:assert/strict';
import { processAddressSpace } from './run-memory-budget.js';
import { BWRAP_PROCESSES, DEFAULT_SANDBOX_LIMITS, KERNEL_BYTES_PER_PROCESS, SANDBOX_TMP_BYTES } from './sandbox-limits.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

it('without a cgroup, every process a run can have, its kernel buffers and both tmpfs fit in the budget', () => {
  for (const memoryBytes of [1 * GiB, 4 * GiB, 6.5 * GiB, 64 * GiB]) {
    for (const maxProcesses of [1, 6, 16, 100]) {
      const each = processAddressSpace({ memoryBytes, maxProcesses }, false);
      if (each === 0) continue; // nothing fits: findPythonSandbox refuses such a budget (below)
      const processes = maxProcesses + BWRAP_PROCESSES;
      assert.ok(processes * (each + KERNEL_BYTES_PER_PROCESS) + 2 * SANDBOX_TMP_BYTES <= memoryBytes, `${memoryBytes} / ${maxProcesses}`);
      assert.equal(each % MiB, 0, 'whole MiB');
    }
  }
});

it('the defaults: (4 GiB - 128 MiB) / 8 - 32 MiB = 464 MiB per process', () => {
  assert.equal(processAddressSpace(DEFAULT_SANDBOX_LIMITS, false), 464 * MiB);
});

it('in a cgroup, memory.max bounds the sum: one process may use the whole budget', () => {
  assert.equal(processAddressSpace(DEFAULT_SANDBOX_LIMITS, true), 4 * GiB);
});

it('a budget too small for its processes leaves 0, never a negative limit', () => {
  assert.equal(processAddressSpace({ memoryBytes: 64 * MiB, maxProcesses: 6 }, false), 0);
});
