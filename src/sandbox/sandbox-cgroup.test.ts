import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cgroup2Mount, findDelegatedCgroup, RunCgroups, SERVER_LEAF, type CgroupSources } from './sandbox-cgroup.js';

// A directory tree shaped like a delegated cgroup2 mount (regular files stand in for the
// kernel's interface files), and the /proc files that point at it. A real delegated host is
// not available where these tests run (cgroup v1, or v2 without delegation).
const SERVICE = '/system.slice/gemserve.service';

let root = '';
let sources: CgroupSources;
let ours: string;

async function fakeHost(opts: { controllers?: string; subtree?: string; procs?: string; cgroupLine?: string } = {}): Promise<void> {
  root = await mkdtemp(join(tmpdir(), 'gemserve-cgroupfs-'));
  const mountPoint = join(root, 'sys fs cgroup'); // a space, escaped as \040 in mountinfo
  ours = join(mountPoint, SERVICE);
  await mkdir(ours, { recursive: true });
  await writeFile(join(ours, 'cgroup.controllers'), opts.controllers ?? 'cpuset cpu io memory hugetlb pids rdma misc\n');
  await writeFile(join(ours, 'cgroup.subtree_control'), opts.subtree ?? '\n');
  await writeFile(join(ours, 'cgroup.procs'), opts.procs ?? '4242\n4343\n');
  await writeFile(join(root, 'cgroup'), opts.cgroupLine ?? `0::${SERVICE}\n`);
  await writeFile(join(root, 'mountinfo'), [
    '22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw',
    `30 24 0:26 / ${mountPoint.replaceAll(' ', '\\040')} rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`,
  ].join('\n'));
  sources = { procSelfCgroup: join(root, 'cgroup'), mountInfo: join(root, 'mountinfo'), pid: 4242 };
}

afterEach(async () => {
  // Only ever a tree fakeHost made (never tmpdir() itself).
  if (root?.includes('gemserve-cgroupfs-')) await rm(root, { recursive: true, force: true });
  root = '';
});

describe('findDelegatedCgroup', () => {
  beforeEach(() => fakeHost());

  it('finds our cgroup through /proc/self/cgroup and the cgroup2 mount, moves our processes into a leaf, enables memory and pids', async () => {
    const found = await findDelegatedCgroup(sources);
    assert.ok(found instanceof RunCgroups, JSON.stringify(found));
    assert.equal(found.dir, ours);
    // Regular files keep only the last write: the leaf got our pid first, then the other process.
    assert.equal(await readFile(join(ours, SERVER_LEAF, 'cgroup.procs'), 'utf8'), '4343');
    assert.equal(await readFile(join(ours, 'cgroup.subtree_control'), 'utf8'), '+memory +pids');
  });

  it('leaves the tree alone when memory and pids are already enabled for the children', async () => {
    await writeFile(join(ours, 'cgroup.subtree_control'), 'memory pids\n');
    const found = await findDelegatedCgroup(sources);
    assert.ok(found instanceof RunCgroups);
    assert.ok(!existsSync(join(ours, SERVER_LEAF)));
  });

  it('makes a run cgroup with memory.max, memory.swap.max 0 and pids.max, and removes it', async () => {
    const found = await findDelegatedCgroup(sources);
    assert.ok(found instanceof RunCgroups);
    const run = await found.create({ memoryBytes: 4 * 2 ** 30, maxTasks: 8 });
    assert.match(run.dir, new RegExp(`^${ours.replace(/[.]/g, '\\.')}/run-[0-9a-f]{12}$`));
    assert.equal(run.procs, join(run.dir, 'cgroup.procs'));
    assert.equal(await readFile(join(run.dir, 'memory.max'), 'utf8'), String(4 * 2 ** 30));
    assert.equal(await readFile(join(run.dir, 'memory.swap.max'), 'utf8'), '0');
    assert.equal(await readFile(join(run.dir, 'pids.max'), 'utf8'), '8');
    assert.equal(await run.oomKills(), 0);
    await writeFile(join(run.dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n');
    assert.equal(await run.oomKills(), 1);
    // The kernel's interface files vanish with rmdir; here they are removed first.
    for (const f of await readdir(run.dir)) await unlink(join(run.dir, f));
    assert.equal(await run.remove(), true);
    assert.ok(!existsSync(run.dir));
  });
});

describe('findDelegatedCgroup: hosts without a delegated cgroup v2', () => {
  it('cgroup v1 only: no "0::" line', async () => {
    await fakeHost({ cgroupLine: '4:memory:/process_api/x\n1:cpu:/\n' });
    assert.deepEqual(await findDelegatedCgroup(sources), { unavailable: 'no cgroup v2 hierarchy (cgroup v1 only)' });
  });

  it('hybrid: the v2 hierarchy has no memory or pids controller', async () => {
    await fakeHost({ controllers: 'hugetlb\n' });
    const found = await findDelegatedCgroup(sources);
    assert.match((found as { unavailable: string }).unavailable, /offers no memory or pids controller/);
  });

  it('not delegated: the cgroup is not writable', async (t) => {
    if (process.getuid?.() === 0) return t.skip('root writes any file: the permission check cannot fail');
    await fakeHost();
    const { chmod } = await import('node:fs/promises');
    await chmod(join(ours, 'cgroup.subtree_control'), 0o444);
    const found = await findDelegatedCgroup(sources);
    assert.match((found as { unavailable: string }).unavailable, /is not delegated to gemserve \(cgroup.subtree_control is not writable\)/);
  });

  it('no cgroup2 mount', async () => {
    await fakeHost();
    await writeFile(sources.mountInfo, '22 28 0:21 / /proc rw shared:13 - proc proc rw\n');
    assert.deepEqual(await findDelegatedCgroup(sources), { unavailable: 'the cgroup v2 filesystem is not mounted' });
  });
});

it('cgroup2Mount: a cgroup namespace shows its own root; escapes are undone', () => {
  const info = '30 24 0:26 /system.slice /sys/fs/my\\040cgroup rw shared:4 - cgroup2 cgroup2 rw\n';
  assert.deepEqual(cgroup2Mount(info), { root: '/system.slice', point: '/sys/fs/my cgroup' });
});
