import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processIsAlive } from '../../storage/process-is-alive.js';

/** Name prefix of a prefix state store's directory (`mkdtemp` adds six random characters). */
export const STATE_DIR_PREFIX = 'gemserve-prefix-states-';
/** The file in a store's directory naming the process that owns it. */
export const OWNER_FILE = 'owner.pid';

/** Marks `dir` as owned by this process, so a later server can tell whether it was orphaned. */
export async function markStateDirOwner(dir: string): Promise<void> {
  await writeFile(join(dir, OWNER_FILE), `${process.pid}\n`);
}

/**
 * Removes the state directories under `parentDir` whose owner process is gone: a server killed
 * with -9 never ran its dispose, and its states (hundreds of MiB each, often on a RAM-backed
 * /tmp) would stay forever. A directory without an owner file, or whose owner lives, is left:
 * it may belong to a server still starting or to another running one. A reused pid only keeps
 * a dead directory a while longer, never removes a live one. Returns the directories removed.
 */
export async function removeOrphanedStateDirs(
  parentDir: string, isAlive: (pid: number) => boolean = processIsAlive,
): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(parentDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(STATE_DIR_PREFIX)) continue;
    const dir = join(parentDir, name);
    const owner = await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => undefined);
    const pid = owner === undefined ? NaN : Number(owner.trim());
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    try {
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another user's directory, or one being removed by another server: not ours to insist on.
    }
  }
  return removed;
}
