import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { findPythonSandbox } from './find-python-sandbox.js';
import type { PythonSandbox } from './python-sandbox.js';

// Skips only when the host has no sandbox; CI installs bubblewrap and the Python packages
// (.ci/run), so there a missing sandbox fails every test instead.
const found = await findPythonSandbox({ wallMs: 20_000, cpuSeconds: 20 });

function sandboxOrSkip(t: TestContext): PythonSandbox | undefined {
  if ('run' in found) return found;
  if (process.env.CI === 'true') assert.fail(`no Python sandbox in CI: ${found.unavailable}`);
  t.skip(`no Python sandbox on this host: ${found.unavailable}`);
  return undefined;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (data: Uint8Array) => PNG_MAGIC.every((b, i) => data[i] === b);

describe('PythonSandbox: what a program does', () => {
  it('describes itself', (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    assert.match(sb.description, /^bubblewrap \d+\.\d+\.\d+, Python 3\.\d+\.\d+ \(numpy .+, pandas .+, matplotlib .+\)/);
  });

  it('prints and returns OUTCOME_OK with stdout', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run('print("hello", 6 * 7)\nprint("é ✓")');
    assert.deepEqual(r, { outcome: 'OUTCOME_OK', output: 'hello 42\né ✓\n', figures: [] });
  });

  it('an exception is OUTCOME_FAILED: stdout, then the traceback ending with the error line', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run('print("before")\ndef f():\n    return {}["missing"]\nf()');
    assert.equal(r.outcome, 'OUTCOME_FAILED');
    assert.match(r.output, /^before\nTraceback \(most recent call last\):\n/);
    assert.match(r.output, /line 3, in f\n {4}return \{\}\["missing"\]/, 'the source line is shown');
    assert.match(r.output, /KeyError: 'missing'$/);
    assert.doesNotMatch(r.output, /_gemserve_run/, 'the prelude frame is not shown');
  });

  it('a syntax error is OUTCOME_FAILED with the SyntaxError', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run('print(1\n');
    assert.equal(r.outcome, 'OUTCOME_FAILED');
    assert.match(r.output, /SyntaxError: /);
  });

  it('sys.exit(0) is OK; sys.exit(3) is FAILED', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    assert.equal((await sb.run('import sys\nprint("x")\nsys.exit(0)')).outcome, 'OUTCOME_OK');
    const r = await sb.run('import sys\nsys.exit(3)');
    assert.equal(r.outcome, 'OUTCOME_FAILED');
    assert.match(r.output, /exited with status 3/);
  });

  it('numpy and pandas work', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run(
      'import numpy as np, pandas as pd\n' +
        'a = np.arange(10).reshape(2, 5)\nprint(int(a.sum()), a.shape)\n' +
        'df = pd.DataFrame({"x": [1, 2, 3], "y": [4.0, 5.0, 6.0]})\nprint(df["y"].mean(), len(df))\n' +
        'print(float(np.linalg.det(np.array([[2.0, 0.0], [0.0, 3.0]]))))',
    );
    assert.deepEqual(r, { outcome: 'OUTCOME_OK', output: '45 (2, 5)\n5.0 3\n6.0\n', figures: [] });
  });

  it('a matplotlib plot left open comes back as one PNG figure', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run('import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.title("squares")\nprint("drawn")');
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    assert.equal(r.output, 'drawn\n');
    assert.equal(r.figures.length, 1);
    assert.equal(r.figures[0].mimeType, 'image/png');
    assert.ok(isPng(r.figures[0].data), 'PNG magic bytes');
    assert.ok(r.figures[0].data.length > 1000);
  });

  it('plt.show() is captured, once, in order with figures left open', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run(
      'import matplotlib.pyplot as plt\n' +
        'plt.plot([1, 2])\nplt.show()\n' + // captured here, then closed (not sent twice)
        'plt.figure(figsize=(2, 1))\nplt.bar(["a"], [1])\nplt.show()\n' +
        'plt.figure(figsize=(3, 3))\nplt.scatter([1], [1])\n', // left open: captured at the end
    );
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    assert.equal(r.figures.length, 3);
    assert.ok(r.figures.every((f) => isPng(f.data)));
    const widths = r.figures.map((f) => Buffer.from(f.data).readUInt32BE(16));
    assert.deepEqual(widths, [640, 200, 300], 'figure order and sizes (Agg at 100 dpi)');
  });

  it('figures are returned even when the program then fails; pandas plotting too', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run('import pandas as pd\npd.Series([3, 1, 2]).plot()\nraise ValueError("after the plot")');
    assert.equal(r.outcome, 'OUTCOME_FAILED');
    assert.match(r.output, /ValueError: after the plot$/);
    assert.equal(r.figures.length, 1);
    assert.ok(isPng(r.figures[0].data));
  });

  it('figures beyond the cap, or too large, are dropped with a note', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run(
      'import matplotlib.pyplot as plt\nfor i in range(12):\n    plt.figure(figsize=(1, 1))\nplt.figure(figsize=(1000, 1000))',
    );
    assert.equal(r.outcome, 'OUTCOME_OK', r.output);
    assert.equal(r.figures.length, 10);
    assert.match(r.output, /only 10 figures are returned/);
    assert.match(r.output, /100000x100000 pixels is more than/);
  });

  it('the program reads no stdin and runs with the cwd /tmp, as __main__', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const r = await sb.run('import os, sys\nprint(__name__, os.getcwd(), repr(sys.stdin.read()))');
    assert.equal(r.output, "__main__ /tmp ''\n");
  });

  it('start overhead per run (diagnostic)', async (t) => {
    const sb = sandboxOrSkip(t);
    if (!sb) return;
    const ms: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await sb.run('print(1)');
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    t.diagnostic(`print(1) per run: median ${ms[3].toFixed(1)} ms (min ${ms[0].toFixed(1)}, max ${ms[6].toFixed(1)})`);
    assert.ok(ms[3] < 2000, 'a trivial run starts in well under 2 s');
  });
});
