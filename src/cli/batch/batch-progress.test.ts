import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBatchProgress } from './batch-progress.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 200, write: (s: string) => chunks.push(s) } };
}

test('off a TTY: a plain line per 10% finished, with failures, elapsed and ETA', () => {
  const { chunks, stream } = sink(false);
  let t = 0;
  const p = createBatchProgress({ stream, now: () => t });
  for (let done = 1; done <= 20; done++) {
    t += 1000;
    p.update({ done, failed: done >= 5 ? 1 : 0, total: 20 });
  }
  p.finish();
  assert.equal(chunks.length, 10);
  assert.equal(chunks[0], 'batch: 2/20 done, 0:02 elapsed, ETA 0:18\n');
  assert.equal(chunks[2], 'batch: 6/20 done, 1 failed, 0:06 elapsed, ETA 0:14\n');
  assert.equal(chunks[9], 'batch: 20/20 done, 1 failed, 0:20 elapsed, ETA 0:00\n');
});

test('on a TTY: one line redrawn in place, throttled, the last count always drawn', () => {
  const { chunks, stream } = sink(true);
  let t = 0;
  const p = createBatchProgress({ stream, now: () => t, redrawMs: 200 });
  t = 1000;
  p.update({ done: 1, failed: 0, total: 4 });
  t = 1100;
  p.update({ done: 2, failed: 1, total: 4 }); // within 200 ms: not drawn
  t = 1150;
  p.update({ done: 4, failed: 1, total: 4 }); // the end: drawn anyway
  p.finish();
  assert.equal(chunks.length, 3);
  assert.equal(chunks[0], '\rbatch  25% ██████░░░░░░░░░░░░░░░░░░ 1/4  0:01 elapsed  ETA 0:03\u001b[K');
  assert.ok(chunks[1].includes('100% ████████████████████████ 4/4, 1 failed'), chunks[1]);
  assert.equal(chunks[2], '\n');
});

test('a note clears the live line, prints above it, and the bar is redrawn at the next update', () => {
  const { chunks, stream } = sink(true);
  let t = 0;
  const p = createBatchProgress({ stream, now: () => t, redrawMs: 1000 });
  p.update({ done: 0, failed: 0, total: 2 });
  p.note('submitted batches/abc');
  t = 10;
  p.update({ done: 1, failed: 0, total: 2 }); // within the throttle, but the bar was wiped
  p.finish();
  assert.equal(chunks[1], '\r\u001b[Ksubmitted batches/abc\n');
  assert.match(chunks[2], /^\rbatch {2}50% /);
  assert.equal(chunks.length, 4);

  const log = sink(false);
  const plain = createBatchProgress({ stream: log.stream });
  plain.note('submitted batches/abc');
  assert.deepEqual(log.chunks, ['submitted batches/abc\n']);
});

test('on a narrow terminal the bar shrinks, then goes, before any number is cut', () => {
  const line = (columns: number) => {
    const chunks: string[] = [];
    const p = createBatchProgress({ stream: { isTTY: true, columns, write: (s: string) => chunks.push(s) }, now: () => 0 });
    p.update({ done: 12, failed: 1, total: 12 });
    return chunks[0].replace('\r', '').replace('\u001b[K', '');
  };
  assert.equal(line(60), 'batch 100% ████████ 12/12, 1 failed  0:00 elapsed  ETA 0:00');
  assert.equal(line(45), 'batch 100% 12/12, 1 failed  0:00 elapsed  ET');
});
