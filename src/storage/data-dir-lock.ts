import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeProcessIsAlive } from './process-is-alive.js';

/** The lock file in a data dir: the pid of the server using it. */
export const DATA_DIR_LOCK_FILE = 'serve.pid';

/** Another live process holds the data dir. */
export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`the data dir ${dataDir} is in use by another gemserve serve (pid ${pid})`);
  }
}

/** A held lock; `release` removes the file if it still names this process. */
export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * Takes `<dataDir>/serve.pid` for this process, so one server at a time uses a data dir. Two
 * servers on one data dir would each run the other's Batch API jobs (a restarting server puts
 * requests left running back in the queue, assuming their server is gone) and sweep each
 * other's Files. A file naming a dead process (a server killed with -9) is taken over; one
 * naming a live process other than this one is a {@link DataDirLockedError}; a zombie, or a pid
 * now used by a program that is not node, is dead ({@link nodeProcessIsAlive}). The file is created
 * exclusively, so two servers starting at once cannot both win. Commands that only read or edit
 * the stores beside a running server (`keys`, `usage`) do not take it.
 */
export async function lockDataDir(dataDir: string, isAlive: (pid: number) => boolean = nodeProcessIsAlive): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const file = join(dataDir, DATA_DIR_LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return { release: () => releaseIfOurs(file) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
    }
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new DataDirLockedError(dataDir, pid);
    // Stale (or unreadable, or ours from an earlier start in this process): take it over once.
    await unlink(file).catch(() => undefined);
  }
}

async function releaseIfOurs(file: string): Promise<void> {
  const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  if (pid === process.pid) await unlink(file).catch(() => undefined);
}
