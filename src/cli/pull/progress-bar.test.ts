import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressBar } from './progress-bar.js';
import { formatBytes, formatDuration, formatRate } from './format-units.js';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 200, write: (s: string) => chunks.push(s) } };
}

test('off a TTY: one plain line per 10%, with bytes, speed and ETA', () => {
  const { chunks, stream } = sink(false);
  let t = 0;
  const bar = createProgressBar({ stream, label: 'm.gguf', now: () => t });
  bar.start(0, 1_000_000);
  for (let b = 50_000; b <= 1_000_000; b += 50_000) {
    t += 1000;
    bar.update(b);
  }
  bar.finish();
  assert.equal(chunks.length, 10);
  assert.equal(chunks[0], 'm.gguf: 10% (100 KB of 1.00 MB, 50.0 KB/s, ETA 0:18)\n');
  assert.equal(chunks[9], 'm.gguf: 100% (1.00 MB of 1.00 MB, 50.0 KB/s, ETA 0:00)\n');
});

test('off a TTY, resuming says where it resumes and counts deciles from there', () => {
  const { chunks, stream } = sink(false);
  const bar = createProgressBar({ stream, label: 'm', now: () => 0 });
  bar.start(550, 1000);
  bar.update(590);
  bar.update(600);
  assert.deepEqual(chunks.map((c) => c.split(' (')[0]), ['m: resuming at 550 B of 1.00 KB\n', 'm: 60%']);
});

test('on a TTY: one line redrawn in place, throttled, ended with a newline', () => {
  const { chunks, stream } = sink(true);
  let t = 0;
  const bar = createProgressBar({ stream, label: 'm.gguf', now: () => t, redrawMs: 100 });
  bar.start(0, 2_000_000);
  t = 500;
  bar.update(500_000);
  t = 550;
  bar.update(600_000); // within 100 ms: not drawn
  t = 1000;
  bar.update(2_000_000);
  bar.finish();
  assert.equal(chunks.length, 3);
  assert.ok(chunks[0].startsWith('\rm.gguf  25% ██████░░░░░░░░░░░░░░░░░░ 500 KB / 2.00 MB  1.00 MB/s  ETA 0:02'), chunks[0]);
  assert.ok(chunks[1].includes('100%'));
  assert.equal(chunks[2], '\n');
});

test('units', () => {
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1_234_567), '1.23 MB');
  assert.equal(formatBytes(4_370_000_000), '4.37 GB');
  assert.equal(formatRate(12_345_678), '12.3 MB/s');
  assert.equal(formatDuration(65), '1:05');
  assert.equal(formatDuration(3725), '1:02:05');
  assert.equal(formatDuration(NaN), '--:--');
});
