/**
 * The code-execution tool through `@google/genai` against the real server and the real
 * sandbox (src/sandbox/): a scripted engine writes the Python a model would (no weights here
 * write code), gemserve runs it confined and returns Gemini's parts: executableCode,
 * codeExecutionResult, figures as inline PNGs, then the model's continuation. Escape attempts
 * are proven in src/sandbox/sandbox-escapes.test.ts; here one runs through the whole path.
 * Without a sandbox the tool must be a 400 (never run unconfined). In CI the sandbox must exist.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { findPythonSandbox } from '../../src/sandbox/find-python-sandbox.js';
import type { PythonSandbox } from '../../src/sandbox/python-sandbox.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, sdkError } from './helpers/clients.js';
import { ScriptedEngine } from './helpers/scripted-engine.js';

const MODEL = 'gemini-2.0-flash';
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const PLOT = [
  'Let me compute and plot it.\n```python\nimport numpy as np, matplotlib.pyplot as plt\n',
  'xs = np.arange(5)\nprint(int((xs ** 2).sum()))\nplt.plot(xs, xs ** 2)\n```\n(ignored tail)',
].join('');

describe('code execution (contract, @google/genai)', () => {
  let sandbox: PythonSandbox | { unavailable: string };
  before(async () => { sandbox = await findPythonSandbox({ wallMs: 20_000 }); });

  it('runs the model\'s code in the sandbox and returns its parts, a figure and the continuation', async (t) => {
    if ('unavailable' in sandbox) {
      if (process.env.CI) assert.fail(`no sandbox in CI: ${sandbox.unavailable}`);
      return t.skip(sandbox.unavailable);
    }
    const engine = new ScriptedEngine([PLOT, 'The sum of squares is 30.']);
    const server = await startServer({ bindings: [{ id: MODEL, engine }], codeRunner: sandbox });
    try {
      const ai = genai(server.baseUrl);
      const r = await ai.models.generateContent({ model: MODEL, contents: 'Sum the squares of 0..4 and plot them.', config: { tools: [{ codeExecution: {} }] } });
      const parts = r.candidates![0].content!.parts!;
      assert.deepEqual(parts.map((p) => Object.keys(p).filter((k) => k !== 'thoughtSignature')[0]),
        ['text', 'executableCode', 'codeExecutionResult', 'inlineData', 'text']);
      assert.equal(parts[0].text, 'Let me compute and plot it.\n');
      assert.equal(r.executableCode, 'import numpy as np, matplotlib.pyplot as plt\nxs = np.arange(5)\nprint(int((xs ** 2).sum()))\nplt.plot(xs, xs ** 2)');
      assert.equal(parts[1].executableCode?.language, 'PYTHON');
      assert.deepEqual(parts[2].codeExecutionResult, { outcome: 'OUTCOME_OK', output: '30\n' });
      assert.equal(r.codeExecutionResult, '30\n');
      assert.equal(parts[3].inlineData?.mimeType, 'image/png');
      assert.ok(Buffer.from(parts[3].inlineData!.data!, 'base64').subarray(0, 4).equals(PNG_MAGIC));
      assert.equal(parts[4].text, 'The sum of squares is 30.');
      assert.equal(r.candidates![0].finishReason, 'STOP');
      // The model was shown its code and the output before continuing.
      const shown = engine.calls[1].at(-1)!;
      assert.equal(shown.role, 'model');
      assert.match((shown.parts[0] as { text: string }).text, /```python\n[\s\S]*\n```\n```output\n30\n\n```\n$/);
      assert.match((engine.calls[0][0].parts[0] as { text: string }).text, /You can run Python 3 code/);

      // Streaming: the same parts in order, the code's result as soon as it ran.
      const engine2 = new ScriptedEngine(['```python\nimport os\nprint(open("/etc/shadow").read())\n```', 'It failed.']);
      const server2 = await startServer({ bindings: [{ id: MODEL, engine: engine2 }], codeRunner: sandbox });
      try {
        const stream = await genai(server2.baseUrl).models.generateContentStream({ model: MODEL, contents: 'x', config: { tools: [{ codeExecution: {} }] } });
        const got = [];
        for await (const chunk of stream) got.push(...(chunk.candidates?.[0].content?.parts ?? []));
        const result = got.find((p) => p.codeExecutionResult)?.codeExecutionResult;
        assert.equal(result?.outcome, 'OUTCOME_FAILED', 'reading a host file from the sandbox fails');
        assert.match(result?.output ?? '', /No such file or directory: '\/etc\/shadow'/);
        assert.equal(got.filter((p) => p.text).map((p) => p.text).join(''), 'It failed.');
      } finally {
        await server2.close();
      }
    } finally {
      await server.close();
    }
  });

  it('without a sandbox the tool is a 400, never run unconfined', async () => {
    const server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine() }] });
    try {
      const { body } = await sdkError(genai(server.baseUrl).models.generateContent({
        model: MODEL, contents: 'x', config: { tools: [{ codeExecution: {} }] },
      }), 400, 'INVALID_ARGUMENT');
      assert.match(body.error.message, /Code execution \(tools\.codeExecution\): no sandbox on this server/);
    } finally {
      await server.close();
    }
  });
});
