import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * cgroup v2 for code execution: a child cgroup per run, with memory.max (the run's budget, every
 * page the kernel charges to it: processes, tmpfs, page tables, socket buffers), memory.swap.max
 * 0 and pids.max. Used only where the host delegates gemserve's own cgroup to it
 * (docs.kernel.org/admin-guide/cgroup-v2.html, "Delegation"; under systemd a unit with
 * Delegate=yes, systemd.io/CGROUP_DELEGATION): the cgroup is writable and offers the memory and
 * pids controllers.
 *
 * cgroup v2 forbids processes in a cgroup whose controllers are enabled for its children ("no
 * internal processes"), so gemserve first moves its own processes into a leaf, `gemserve`, then
 * enables +memory +pids for the children, then makes `run-<hex>` cgroups beside that leaf.
 */

/** Where the kernel says a process's cgroups and the mounts are; a test points them at a fake tree. */
export interface CgroupSources {
  /** /proc/self/cgroup: "0::/path" is the cgroup v2 one. */
  procSelfCgroup: string;
  /** /proc/self/mountinfo: where the cgroup2 filesystem is mounted. */
  mountInfo: string;
  /** The pid written into the leaf: gemserve's own. */
  pid: number;
}

const HOST_SOURCES: CgroupSources = { procSelfCgroup: '/proc/self/cgroup', mountInfo: '/proc/self/mountinfo', pid: process.pid };

/** The leaf gemserve's own processes move into, so its cgroup may have children with controllers. */
export const SERVER_LEAF = 'gemserve';

/** Finds a delegated cgroup v2 for runs and prepares it, or says why there is none. */
export async function findDelegatedCgroup(sources: CgroupSources = HOST_SOURCES): Promise<RunCgroups | { unavailable: string }> {
  let ours: string;
  try {
    const line = (await readFile(sources.procSelfCgroup, 'utf8')).split('\n').find((l) => l.startsWith('0::'));
    if (line === undefined) return { unavailable: 'no cgroup v2 hierarchy (cgroup v1 only)' };
    const path = line.slice(3).replace(/ \(deleted\)$/, '');
    const mount = cgroup2Mount(await readFile(sources.mountInfo, 'utf8'));
    if (!mount) return { unavailable: 'the cgroup v2 filesystem is not mounted' };
    ours = join(mount.point, relative(mount.root, path));
  } catch (e) {
    return { unavailable: `cannot read this process's cgroup: ${(e as Error).message}` };
  }
  const controllers = await words(join(ours, 'cgroup.controllers'));
  const missing = ['memory', 'pids'].filter((c) => !controllers.includes(c));
  if (missing.length) return { unavailable: `cgroup v2 ${ours} offers no ${missing.join(' or ')} controller (a hybrid host keeps them on cgroup v1)` };
  for (const f of ['', 'cgroup.subtree_control', 'cgroup.procs']) {
    try {
      await access(join(ours, f), constants.W_OK);
    } catch {
      return { unavailable: `cgroup v2 ${ours} is not delegated to gemserve (${f || 'the directory'} is not writable)` };
    }
  }
  const enabled = await words(join(ours, 'cgroup.subtree_control'));
  if (!enabled.includes('memory') || !enabled.includes('pids')) {
    try {
      const leaf = join(ours, SERVER_LEAF);
      await mkdir(leaf, { recursive: true });
      // Every process of ours (gemserve and any child it started before, e.g. an engine server).
      const pids = (await words(join(ours, 'cgroup.procs'))).filter((p) => p !== String(sources.pid));
      for (const pid of [String(sources.pid), ...pids]) await writeFile(join(leaf, 'cgroup.procs'), pid);
      await writeFile(join(ours, 'cgroup.subtree_control'), '+memory +pids');
    } catch (e) {
      return { unavailable: `cannot enable the memory and pids controllers under ${ours}: ${(e as Error).message}` };
    }
  }
  return new RunCgroups(ours);
}

/** The cgroup under which each run gets a child. */
export class RunCgroups {
  constructor(readonly dir: string) {}

  /** A fresh cgroup for one run, its limits written; the run's first process joins it through `procs`. */
  async create(limits: { memoryBytes: number; maxTasks: number }): Promise<RunCgroup> {
    const dir = join(this.dir, `run-${randomBytes(6).toString('hex')}`);
    await mkdir(dir);
    try {
      await writeFile(join(dir, 'memory.max'), String(Math.floor(limits.memoryBytes)));
      await writeFile(join(dir, 'pids.max'), String(limits.maxTasks));
      // No swap: the budget is memory, not memory plus disk. Absent when swap is not accounted
      // (no swap, or swapaccount=0), and then there is nothing to bound.
      await writeFile(join(dir, 'memory.swap.max'), '0').catch(() => {});
    } catch (e) {
      await rmdir(dir).catch(() => {});
      throw e;
    }
    return new RunCgroup(dir);
  }
}

/** One run's cgroup. */
export class RunCgroup {
  constructor(readonly dir: string) {}

  /** Writing "0" here moves the writing process in (cgroup-v2.html, cgroup.procs). */
  get procs(): string {
    return join(this.dir, 'cgroup.procs');
  }

  /** How many times the kernel's OOM killer killed a process of the run (memory.events oom_kill). */
  async oomKills(): Promise<number> {
    const events = await readFile(join(this.dir, 'memory.events'), 'utf8').catch(() => '');
    return Number(/^oom_kill (\d+)$/m.exec(events)?.[1] ?? 0);
  }

  /**
   * Removes the cgroup once its processes are gone (rmdir fails with EBUSY until the kernel has
   * taken the last one out, a moment after the run was killed). False if it is still busy.
   */
  async remove(): Promise<boolean> {
    for (let i = 0; i < 40; i++) {
      try {
        await rmdir(this.dir);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
        if ((e as NodeJS.ErrnoException).code !== 'EBUSY') throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return false;
  }
}

/** The cgroup2 mount from /proc/self/mountinfo: its mount point and the root it shows (proc(5)). */
export function cgroup2Mount(mountInfo: string): { point: string; root: string } | undefined {
  for (const line of mountInfo.split('\n')) {
    const fields = line.split(' ');
    const sep = fields.indexOf('-');
    if (sep < 0 || fields[sep + 1] !== 'cgroup2') continue;
    return { root: unescapeMountField(fields[3]), point: unescapeMountField(fields[4]) };
  }
  return undefined;
}

/** mountinfo writes space, tab, newline and backslash as octal escapes (\040 ...). */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

async function words(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8').catch(() => '')).split(/\s+/).filter(Boolean);
}
