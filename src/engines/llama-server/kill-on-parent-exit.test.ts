import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const helper = fileURLToPath(new URL('./kill-on-parent-exit.js', import.meta.url)).replace(/\.js$/, '.ts');

/**
 * A parent process (node + tsx) that starts `sleep 600` the way the engine starts llama-server,
 * prints the child's pid, then exits or waits, as `mode` says.
 */
const parentScript = (mode: string) => `
import { spawn } from 'node:child_process';
import { killOnParentExit, spawnArgsDyingWithParent } from ${JSON.stringify(helper)};
const { command, args } = spawnArgsDyingWithParent('sleep', ['600']);
const child = spawn(command, args, { stdio: 'ignore' });
killOnParentExit(child);
child.on('spawn', () => {
  process.stdout.write(child.pid + '\\n');
  if (${JSON.stringify(mode)} === 'exit') setTimeout(() => process.exit(0), 50);
  else setInterval(() => {}, 1000);
});
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Starts the parent, waits for the child's pid, does `act` to the parent, and returns the child's pid. */
async function run(mode: string, act: (parentPid: number) => void): Promise<number> {
  const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', parentScript(mode)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(parent.stdout, 'data') as [Buffer];
  const childPid = Number(line.toString().trim());
  assert.ok(childPid > 0 && alive(childPid));
  act(parent.pid!);
  await once(parent, 'exit');
  return childPid;
}

describe('killOnParentExit', { timeout: 60_000 }, () => {
  it('kills the child when the parent exits normally', async () => {
    assert.ok(await gone(await run('exit', () => {})));
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`kills the child when the parent dies of an unhandled ${signal}`, async () => {
      assert.ok(await gone(await run('wait', (pid) => process.kill(pid, signal))));
    });
  }

  it('kills the child even when the parent is SIGKILLed (setpriv --pdeathsig, Linux)', { skip: process.platform !== 'linux' }, async () => {
    assert.ok(await gone(await run('wait', (pid) => process.kill(pid, 'SIGKILL'))));
  });
});
