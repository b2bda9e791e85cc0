const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A duration as people type it for key lifetimes and rotation grace: a whole number and a unit,
 * `90s`, `15m`, `12h`, `30d`. Returns milliseconds, or undefined when `text` is not one.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d{1,9})\s*([smhd])\s*$/.exec(text);
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}
