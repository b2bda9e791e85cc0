import { it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPythonSandbox } from './find-python-sandbox.js';

// Without a working sandbox there is no code execution: findPythonSandbox says why, never
// falls back to running Python unconfined.

it('no bubblewrap: unavailable, saying what to install', async () => {
  const r = await findPythonSandbox({}, { bwrap: '/nonexistent/bwrap' });
  assert.ok('unavailable' in r);
  assert.match(r.unavailable, /bubblewrap \(bwrap\) is not installed \(Debian: apt-get install bubblewrap python3-numpy/);
});

it('no Debian python3: unavailable', async () => {
  const r = await findPythonSandbox({}, { python: '/nonexistent/python3' });
  assert.ok('unavailable' in r);
  assert.match(r.unavailable, /\/nonexistent\/python3 is missing/);
});

it('a bwrap that cannot build the sandbox (or one that runs the code unconfined): unavailable', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-sandbox-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await chmod(dir, 0o755); // as root, runs execute bwrap under a uid of their own
  // Says it is bubblewrap, then fails as bwrap does when user namespaces are disabled.
  const failing = join(dir, 'failing-bwrap');
  await writeFile(failing, '#!/bin/sh\n[ "$1" = --version ] && { echo "bubblewrap 0.0.0"; exit 0; }\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n');
  // Ignores every option and runs the command as it is: no isolation at all.
  const unconfined = join(dir, 'unconfined-bwrap');
  await writeFile(unconfined, '#!/bin/sh\n[ "$1" = --version ] && { echo "bubblewrap 0.0.0"; exit 0; }\nwhile [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n');
  await chmod(failing, 0o755);
  await chmod(unconfined, 0o755);

  const a = await findPythonSandbox({}, { bwrap: failing });
  assert.ok('unavailable' in a);
  assert.match(a.unavailable, /cannot create its sandbox.*No permissions to create new namespace/);

  const b = await findPythonSandbox({}, { bwrap: unconfined });
  assert.ok('unavailable' in b, 'an unconfined run is caught by the probe');
  assert.match(b.unavailable, /not isolated/);
});

it('refuses nonsense limits', async () => {
  await assert.rejects(findPythonSandbox({ wallMs: 0 }), /wallMs must be a positive number/);
  await assert.rejects(findPythonSandbox({ memoryBytes: Number.NaN }), /memoryBytes/);
});
