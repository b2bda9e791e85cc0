import { randomInt } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { SANDBOX_UID_BASE, SANDBOX_UID_COUNT } from './sandbox-limits.js';

/**
 * Uids for runs when gemserve is root: each run a different one, so RLIMIT_NPROC (counted per
 * real uid) bounds each run on its own. Random within a range of 100 million, so two gemserve
 * processes on one host practically never share one; within this process never while both run.
 */
export class SandboxUidPool {
  readonly #inUse = new Set<number>();

  acquire(): number {
    for (;;) {
      const uid = SANDBOX_UID_BASE + randomInt(SANDBOX_UID_COUNT);
      if (!this.#inUse.has(uid)) {
        this.#inUse.add(uid);
        return uid;
      }
    }
  }

  release(uid: number): void {
    this.#inUse.delete(uid);
  }
}

/**
 * Processes and threads (kernel tasks) the real uid `uid` has now, from /proc: RLIMIT_NPROC
 * counts them all, so a non-root gemserve sets it to this plus the run's allowance.
 */
export async function countTasksOfUid(uid: number): Promise<number> {
  let tasks = 0;
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = await readFile(`/proc/${name}/status`, 'utf8');
      const realUid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      if (Number(realUid) !== uid) continue;
      tasks += Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 1);
    } catch {
      // The process ended while we looked.
    }
  }
  return tasks;
}
