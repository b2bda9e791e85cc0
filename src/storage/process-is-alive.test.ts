import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeProcessIsAlive, parseProcState, processIsAlive } from './process-is-alive.js';

const hasProc = existsSync(`/proc/${process.pid}/stat`);

test('parseProcState reads the state after the command, even one holding ") "', () => {
  assert.equal(parseProcState('123 (node) S 1 123 123 0 -1'), 'S');
  assert.equal(parseProcState('124 (a) Z (b)) Z 1 0'), 'Z');
  assert.equal(parseProcState('garbage'), undefined);
});

test('with a /proc fixture: zombie and exited states are dead; a non-node command line is not a server', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fake-proc-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // Our own pid passes kill(pid, 0); what /proc says is the fixture's.
  const pid = process.pid;
  await mkdir(join(dir, String(pid)));
  const write = (stat: string, cmdline: string[]) => Promise.all([
    writeFile(join(dir, String(pid), 'stat'), `${pid} (x) ${stat} 1 1`),
    writeFile(join(dir, String(pid), 'cmdline'), cmdline.map((a) => `${a}\0`).join('')),
  ]);
  await write('S', ['/usr/bin/node', '/opt/gemserve/bin/gemserve.js', 'serve']);
  assert.equal(processIsAlive(pid, dir), true);
  assert.equal(nodeProcessIsAlive(pid, dir), true);
  await write('S', ['/usr/local/bin/tsx', 'src/cli/main.ts', 'serve', '--data-dir', '/srv/gemserve']);
  assert.equal(nodeProcessIsAlive(pid, dir), true);
  for (const state of ['Z', 'X']) {
    await write(state, []);
    assert.equal(processIsAlive(pid, dir), false, state);
    assert.equal(nodeProcessIsAlive(pid, dir), false, state);
  }
  await write('S', ['/usr/sbin/nginx', '-g', 'daemon off;']);
  assert.equal(processIsAlive(pid, dir), true);
  assert.equal(nodeProcessIsAlive(pid, dir), false);
  // No /proc entry (another OS): kill(pid, 0) alone decides, as before.
  assert.equal(nodeProcessIsAlive(pid, join(dir, 'absent')), true);
  assert.equal(nodeProcessIsAlive(2 ** 22 + 12345, join(dir, 'absent')), false);
});

test('a real zombie counts as dead, a real non-node process is no server, this process is both alive', { skip: !hasProc && 'no /proc' }, async (t) => {
  // `sh` backgrounds `sleep 0`, prints its pid, then becomes `sleep 5`, which never reaps it:
  // the child stays a zombie until the sleep ends.
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => { parent.kill('SIGKILL'); });
  const [chunk] = (await once(parent.stdout, 'data')) as [Buffer];
  const zombie = Number(chunk.toString().trim());
  for (let i = 0; i < 100 && parseProcState(readFileSync(`/proc/${zombie}/stat`, 'utf8')) !== 'Z'; i++) await sleep(20);
  assert.equal(parseProcState(readFileSync(`/proc/${zombie}/stat`, 'utf8')), 'Z', 'the child is a zombie');
  assert.doesNotThrow(() => process.kill(zombie, 0), 'kill(pid, 0) still answers for it');
  assert.equal(processIsAlive(zombie), false);
  assert.equal(nodeProcessIsAlive(zombie), false);

  const sleeper = parent.pid as number;
  for (let i = 0; i < 100 && !readFileSync(`/proc/${sleeper}/cmdline`, 'utf8').startsWith('sleep'); i++) await sleep(20);
  assert.equal(processIsAlive(sleeper), true);
  assert.equal(nodeProcessIsAlive(sleeper), false, 'sleep is not a gemserve');
  assert.equal(nodeProcessIsAlive(process.pid), true);
});
