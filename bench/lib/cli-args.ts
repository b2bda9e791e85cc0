import { parseArgs } from 'node:util';

/** Flags every benchmark accepts. */
export interface BenchArgs {
  /** A short smoke run: few repetitions, small counts. Its numbers are not for comparison. */
  quick: boolean;
  /** Skip writing bench/results/<name>.json (e.g. while editing a benchmark). */
  noWrite: boolean;
  /** Benchmark-specific `--key value` settings, as strings. */
  values: Record<string, string | undefined>;
}

/**
 * Parses `--quick`, `--no-write` and the given benchmark-specific string options
 * (e.g. `--reps 5`). Unknown flags are an error so a typo does not silently run defaults.
 */
export function readBenchArgs(argv: string[], options: string[] = []): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      'no-write': { type: 'boolean', default: false },
      ...Object.fromEntries(options.map((o) => [o, { type: 'string' as const }])),
    },
    strict: true,
    allowPositionals: false,
  });
  const all = values as Record<string, string | boolean | undefined>;
  const rest: Record<string, string | undefined> = {};
  for (const o of options) rest[o] = typeof all[o] === 'string' ? all[o] : undefined;
  return { quick: values.quick === true, noWrite: values['no-write'] === true, values: rest };
}

/** A positive integer option, or the fallback when absent. */
export function intOption(args: BenchArgs, name: string, fallback: number): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${raw}`);
  return n;
}
