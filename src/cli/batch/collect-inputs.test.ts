import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { collectImageInputs } from './collect-image-inputs.js';
import { parseJsonlInputs } from './read-jsonl-inputs.js';

const image = (format: 'png' | 'jpeg' | 'webp' | 'gif') =>
  sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 200, g: 10, b: 10 } } }).toFormat(format).toBuffer();

describe('a folder of images', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'batch-inputs-'));
    await writeFile(join(dir, 'img10.png'), await image('png'));
    await writeFile(join(dir, 'img2.JPG'), await image('jpeg'));
    await writeFile(join(dir, 'photo'), await image('webp')); // no extension: an image by its bytes
    await writeFile(join(dir, 'anim.gif'), await image('gif'));
    await writeFile(join(dir, 'fake.jpg'), '<html>not a picture</html>');
    await writeFile(join(dir, 'big.png'), Buffer.concat([await image('png'), Buffer.alloc(2000)]));
    await writeFile(join(dir, 'notes.txt'), 'shot on a Tuesday');
    await writeFile(join(dir, '.DS_Store'), Buffer.from([0, 0, 0, 1, 0x42, 0x75, 0x64, 0x31]));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'deeper.png'), await image('png'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('takes images by their bytes, sorted by name with numbers as numbers; skips the rest', async () => {
    const { inputs, skipped } = await collectImageInputs(dir, { prompt: 'Describe.', maxInlineBytes: 1000 });
    assert.deepEqual(inputs.map((i) => i.key), ['anim.gif', 'big.png', 'fake.jpg', 'img2.JPG', 'img10.png', 'photo']);
    assert.deepEqual(skipped.sort(), ['.DS_Store', 'notes.txt']);
  });

  it('refuses a misnamed file and one over the inline limit, with the reason, before sending', async () => {
    const { inputs } = await collectImageInputs(dir, { prompt: 'Describe.', maxInlineBytes: 1000 });
    const refused = Object.fromEntries(inputs.filter((i) => i.refused).map((i) => [i.key, i.refused]));
    assert.deepEqual(Object.keys(refused).sort(), ['big.png', 'fake.jpg']);
    assert.equal(refused['fake.jpg'], 'not an image: fake.jpg holds UTF-8 text');
    assert.match(refused['big.png']!, /^2\.\d\d KB is over the 1\.00 KB limit of inline data; upload it with the Files API instead$/);
    await assert.rejects(inputs.find((i) => i.key === 'fake.jpg')!.load(), /not an image/);
  });

  it('builds one request per image: inline data first, then the prompt, with maxOutputTokens', async () => {
    const { inputs } = await collectImageInputs(dir, { prompt: 'What colour?', maxOutputTokens: 64 });
    const req = await inputs.find((i) => i.key === 'photo')!.load();
    const [data, text] = req.contents[0].parts;
    assert.equal(data.inlineData?.mimeType, 'image/webp');
    assert.deepEqual(Buffer.from(data.inlineData!.data, 'base64').subarray(8, 12).toString(), 'WEBP');
    assert.deepEqual(text, { text: 'What colour?' });
    assert.equal(req.contents[0].role, 'user');
    assert.deepEqual(req.generationConfig, { maxOutputTokens: 64 });
    const jpg = await inputs.find((i) => i.key === 'img2.JPG')!.load();
    assert.equal(jpg.contents[0].parts[0].inlineData?.mimeType, 'image/jpeg');
  });
});

describe('a JSONL file of prompts', () => {
  const jsonl = [
    '{"key": "greet", "request": {"contents": [{"parts": [{"text": "Hi"}]}], "generationConfig": {"maxOutputTokens": 5}}}',
    '',
    '{"prompt": "Name a colour", "key": "colour"}',
    '"Name a fruit"',
    '{"key": "plain", "request": {"contents": [{"parts": [{"text": "Yo"}]}]}}',
  ].join('\n');

  it('takes the three line forms, keyed by their key or line number', async () => {
    const { inputs } = parseJsonlInputs(jsonl, 'p.jsonl', { prompt: 'Answer in one word.', maxOutputTokens: 32 });
    assert.deepEqual(inputs.map((i) => [i.key, i.prompt]), [['greet', undefined], ['colour', 'Name a colour'], ['line-4', 'Name a fruit'], ['plain', undefined]]);
    const [greet, colour, , plain] = await Promise.all(inputs.map((i) => i.load()));
    // A request line is sent as written; --max-output-tokens fills in only what it leaves unset.
    assert.deepEqual(greet.generationConfig, { maxOutputTokens: 5 });
    assert.deepEqual(plain.generationConfig, { maxOutputTokens: 32 });
    assert.deepEqual(colour, {
      contents: [{ role: 'user', parts: [{ text: 'Answer in one word.' }, { text: 'Name a colour' }] }],
      generationConfig: { maxOutputTokens: 32 },
    });
  });

  it('stops at the first malformed line, naming it (exit 2)', () => {
    const cases: Array<[string, RegExp]> = [
      ['"ok"\n{oops', /^line 2 of p\.jsonl: not JSON/],
      ['{"key": "a", "prompt": "x"}\n{"key": "a", "prompt": "y"}', /^line 2 of p\.jsonl: key "a" is used twice/],
      ['{"request": {"contents": "Hi"}}', /^line 1 of p\.jsonl: "request" must be a GenerateContentRequest/],
      ['42', /^line 1 of p\.jsonl: expected \{"key","request"\}/],
      ['\n\n', /^p\.jsonl holds no prompts$/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseJsonlInputs(text, 'p.jsonl', {}), (e: Error & { exitCode?: number }) => message.test(e.message) && e.exitCode === 2, text);
    }
  });
});
