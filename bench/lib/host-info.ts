import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';

/** Where a benchmark ran: enough to tell whether two results files are comparable. */
export interface HostInfo {
  cores: number;
  cpu: string;
  memoryGiB: number;
  platform: string;
  node: string;
  nodeLlamaCpp: string | null;
  /** 1-minute load average when the benchmark started: a busy machine makes numbers noisy. */
  loadAverage1m: number;
  /** The commit benchmarked, with `-dirty` when the working tree had changes. */
  commit: string | null;
}

export function hostInfo(): HostInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    nodeLlamaCpp: packageVersion('node-llama-cpp'),
    loadAverage1m: Math.round(os.loadavg()[0] * 100) / 100,
    commit: gitCommit(),
  };
}

/** An installed package's version, found from its entry point (its exports map hides package.json). */
function packageVersion(name: string): string | null {
  try {
    let dir = dirname(createRequire(import.meta.url).resolve(name));
    for (;;) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? null;
      }
      const parent = dirname(dir);
      if (parent === dir) return null;
      dir = parent;
    }
  } catch {
    return null;
  }
}

function gitCommit(): string | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') ? `${head}-dirty` : head;
  } catch {
    return null;
  }
}
