import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readPreludeFrames } from './read-prelude-frames.js';
import { FRAME_FIGURE, FRAME_NOTE, FRAME_STARTED } from './sandbox-prelude.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function frame(kind: number, payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload);
  const head = Buffer.alloc(5);
  head[0] = kind;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

it('reads the start mark, figures in order and notes', () => {
  const other = Buffer.concat([PNG, Buffer.from([9])]);
  const r = readPreludeFrames(Buffer.concat([frame(FRAME_STARTED, ''), frame(FRAME_FIGURE, PNG), frame(FRAME_NOTE, 'Figure 2 was not returned'), frame(FRAME_FIGURE, other)]));
  assert.equal(r.started, true);
  assert.deepEqual(r.figures.map((f) => [f.mimeType, Buffer.from(f.data)]), [['image/png', PNG], ['image/png', other]]);
  assert.deepEqual(r.notes, ['Figure 2 was not returned']);
});

it('nothing sent means the prelude never started', () => {
  assert.deepEqual(readPreludeFrames(new Uint8Array()), { started: false, figures: [], notes: [] });
});

it('distrusts what the program may forge: non-PNG figures, more than 10, endless notes, broken frames', () => {
  const frames = [frame(FRAME_STARTED, ''), frame(FRAME_FIGURE, 'GIF89a not a png')];
  for (let i = 0; i < 12; i++) frames.push(frame(FRAME_FIGURE, PNG));
  for (let i = 0; i < 50; i++) frames.push(frame(FRAME_NOTE, `note ${i}`));
  frames.push(Buffer.from([FRAME_FIGURE, 0xff, 0xff, 0xff, 0xff, 1, 2])); // claims 4 GiB
  const r = readPreludeFrames(Buffer.concat(frames));
  assert.equal(r.figures.length, 10);
  assert.equal(r.notes[0], 'A figure was not returned: it is not a PNG.');
  assert.match(r.notes[1], /only 10 figures/);
  assert.equal(r.notes.length, 20, 'notes are capped');
});
