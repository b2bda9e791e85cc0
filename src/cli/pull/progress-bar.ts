/**
 * Download progress on stderr. On a terminal: one line redrawn in place with a bar,
 * percentage, bytes, speed and ETA. Elsewhere (CI logs, pipes) a redrawn line is noise, so a
 * plain line is printed each time another 10% completes.
 */
import type { OutputStream } from '../cli-context.js';
import { formatBytes, formatDuration, formatRate } from './format-units.js';

/** Receives progress of one transfer. */
export interface ProgressReporter {
  /** A transfer (re)starts at `offset` bytes of `total` (undefined when the server did not say). */
  start(offset: number, total: number | undefined): void;
  /** `received` bytes of the file are now on disk. */
  update(received: number): void;
  /** Clears the live line; call once at the end, success or not. */
  finish(): void;
}

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  stream: OutputStream;
  /** Label before the numbers, e.g. the file name. */
  label: string;
  /** Injectable clock (ms) for tests. */
  now?: () => number;
  /** Minimum ms between redraws on a terminal; redrawing faster only costs CPU. */
  redrawMs?: number;
}

/** Sliding window for the speed, so the ETA follows the current rate rather than the average since start. */
const SPEED_WINDOW_MS = 5000;

/** A progress reporter writing to `stream`, styled for a TTY or for logs. */
export function createProgressBar(opts: ProgressBarOptions): ProgressReporter {
  const now = opts.now ?? Date.now;
  const tty = opts.stream.isTTY === true;
  const redrawMs = opts.redrawMs ?? 100;
  let total: number | undefined;
  let received = 0;
  let lastDraw = -Infinity;
  let lastDecile = -1;
  let drawn = false;
  let samples: Array<{ t: number; bytes: number }> = [];

  const speed = (): number => {
    const first = samples[0];
    const last = samples[samples.length - 1];
    return first && last && last.t > first.t ? ((last.bytes - first.bytes) * 1000) / (last.t - first.t) : 0;
  };

  const stats = () => {
    const rate = speed();
    const pct = total ? Math.min(100, (received / total) * 100) : undefined;
    const eta = total && rate > 0 ? (total - received) / rate : NaN;
    return { rate, pct, eta };
  };

  const drawTty = () => {
    const { rate, pct, eta } = stats();
    const size = total ? `${formatBytes(received)} / ${formatBytes(total)}` : formatBytes(received);
    const width = 24;
    const bar = pct === undefined ? '' : `${'█'.repeat(Math.round((pct / 100) * width)).padEnd(width, '░')} `;
    const head = pct === undefined ? '' : `${pct.toFixed(0).padStart(3)}% `;
    const line = `${opts.label} ${head}${bar}${size}  ${formatRate(rate)}  ETA ${formatDuration(eta)}`;
    const cols = opts.stream.columns ?? 120;
    opts.stream.write(`\r${line.slice(0, cols - 1)}\u001b[K`);
    drawn = true;
  };

  const logLine = (decile: number) => {
    const { rate, eta } = stats();
    const of = total ? ` of ${formatBytes(total)}` : '';
    opts.stream.write(`${opts.label}: ${decile * 10}% (${formatBytes(received)}${of}, ${formatRate(rate)}, ETA ${formatDuration(eta)})\n`);
  };

  return {
    start(offset, t) {
      total = t;
      received = offset;
      samples = [{ t: now(), bytes: offset }];
      if (!tty && offset > 0) {
        opts.stream.write(`${opts.label}: resuming at ${formatBytes(offset)}${t ? ` of ${formatBytes(t)}` : ''}\n`);
      }
      lastDecile = total ? Math.floor((offset / total) * 10) : -1;
    },
    update(r) {
      received = r;
      const t = now();
      samples.push({ t, bytes: r });
      while (samples.length > 2 && samples[0].t < t - SPEED_WINDOW_MS) samples.shift();
      if (tty) {
        if (t - lastDraw >= redrawMs || (total !== undefined && r >= total)) {
          lastDraw = t;
          drawTty();
        }
        return;
      }
      if (!total) return;
      const decile = Math.floor((r / total) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        logLine(decile);
      }
    },
    finish() {
      if (tty && drawn) opts.stream.write('\n');
      drawn = false;
    },
  };
}
