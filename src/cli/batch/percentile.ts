/**
 * Latency percentiles for the batch summary, by the nearest-rank method (the smallest value
 * with at least p% of the values at or below it): every reported figure is a latency that
 * really happened, never an interpolation between two requests.
 */

/** The `p`th percentile (0 < p <= 100) of `values`, or undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100] (got ${p})`);
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}
