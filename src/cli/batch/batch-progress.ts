/**
 * Progress of a batch on stderr, counted in requests (pull's bar counts bytes; the drawing
 * conventions are the same). On a terminal, one line redrawn in place: bar, done/total,
 * failures, elapsed, ETA. Elsewhere (CI logs, pipes), a plain line each time another 10%
 * finishes, so a log of a thousand requests stays ten lines long.
 */
import type { OutputStream } from '../cli-context.js';
import { formatDuration } from '../pull/format-units.js';

/** Counts of a running batch. */
export interface BatchCounts {
  done: number;
  failed: number;
  total: number;
}

/** Receives the counts as they change. */
export interface BatchProgress {
  update(counts: BatchCounts): void;
  /** A line of news (job submitted, a warning) printed above the live line, not through it. */
  note(line: string): void;
  /** Ends the live line; call once, whatever happened. */
  finish(): void;
}

/** Options of {@link createBatchProgress}. */
export interface BatchProgressOptions {
  stream: OutputStream;
  label?: string;
  now?: () => number;
  /** Least ms between redraws on a terminal. */
  redrawMs?: number;
}

/** A progress display writing to `stream`, styled for a TTY or for logs. */
export function createBatchProgress(opts: BatchProgressOptions): BatchProgress {
  const now = opts.now ?? Date.now;
  const label = opts.label ?? 'batch';
  const tty = opts.stream.isTTY === true;
  const redrawMs = opts.redrawMs ?? 200;
  const started = now();
  let lastDraw = -Infinity;
  let lastDecile = 0;
  let drawn = false;

  const figures = ({ done, failed, total }: BatchCounts) => {
    const elapsed = (now() - started) / 1000;
    // The average rate since the start: requests vary too much for a sliding window to help.
    const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
    return { pct: total ? (done / total) * 100 : 100, elapsed, eta, failures: failed ? `, ${failed} failed` : '' };
  };

  return {
    update(c) {
      const t = now();
      const f = figures(c);
      if (tty) {
        if (t - lastDraw < redrawMs && c.done < c.total) return;
        lastDraw = t;
        const head = `${label} ${f.pct.toFixed(0).padStart(3)}% `;
        const tail = `${c.done}/${c.total}${f.failures}  ${formatDuration(f.elapsed)} elapsed  ETA ${formatDuration(f.eta)}`;
        // The bar gives way on a narrow terminal; the numbers are what matter.
        const cols = opts.stream.columns ?? 120;
        const width = Math.min(24, cols - 1 - head.length - tail.length - 1);
        const bar = width >= 5 ? `${'█'.repeat(Math.round((f.pct / 100) * width)).padEnd(width, '░')} ` : '';
        opts.stream.write(`\r${(head + bar + tail).slice(0, cols - 1)}\u001b[K`);
        drawn = true;
        return;
      }
      const decile = c.total ? Math.floor((c.done / c.total) * 10) : 10;
      if (decile <= lastDecile) return;
      lastDecile = decile;
      opts.stream.write(`${label}: ${c.done}/${c.total} done${f.failures}, ${formatDuration(f.elapsed)} elapsed, ETA ${formatDuration(f.eta)}\n`);
    },
    note(line) {
      opts.stream.write(tty && drawn ? `\r\u001b[K${line}\n` : `${line}\n`);
      // The bar comes back at the next update, whatever the throttle says.
      drawn = false;
      lastDraw = -Infinity;
    },
    finish() {
      if (tty && drawn) opts.stream.write('\n');
      drawn = false;
    },
  };
}
