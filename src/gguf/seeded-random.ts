/**
 * A small, fast, seedable PRNG: xoshiro128** (Blackman and Vigna, https://prng.di.unimi.it/),
 * seeded through SplitMix32 as its authors recommend. Pure 32-bit integer arithmetic, so the
 * same seed gives the same sequence on every platform and Node version: generated model files
 * are byte-identical run to run.
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any 32-bit integer (other numbers are truncated to their low 32 bits) */
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      // SplitMix32 (a 32-bit variant of SplitMix64's finaliser).
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1; // the all-zero state is a fixed point
  }

  /**
   * A generator for one named stream of a seed (e.g. one tensor), so each stream is independent
   * of how many numbers the others consumed.
   */
  static forStream(seed: number, stream: string): SeededRandom {
    let h = 0x811c9dc5 ^ (seed >>> 0); // FNV-1a over the name, keyed by the seed
    for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193);
    return new SeededRandom(Math.imul(h ^ (seed >>> 0), 0x9e3779b1) ^ (h >>> 15));
  }

  /** Next uniformly distributed uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 0x100000000;
  }

  /**
   * Approximately standard normal (mean 0, variance 1): the Irwin-Hall sum of four 16-bit
   * uniforms, rescaled. Bounded at ±2√3 ≈ ±3.46, which suits weight init (no huge outliers)
   * and costs two integer draws instead of Box-Muller's log, sqrt and cos.
   */
  nextNormalish(): number {
    const x = this.nextUint32();
    const y = this.nextUint32();
    const sum = (x & 0xffff) + (x >>> 16) + (y & 0xffff) + (y >>> 16); // 4 × U[0, 65535]
    // Mean of the sum is 2 × 65535, variance 4 × (65536² − 1) / 12 ≈ 65536² / 3.
    return (sum - 131070) * (Math.sqrt(3) / 65536);
  }

  /** Fills `out` with nextNormalish() × scale. */
  fillNormalish(out: Float32Array, scale: number): Float32Array {
    const k = (Math.sqrt(3) / 65536) * scale;
    for (let i = 0; i < out.length; i++) {
      const x = this.nextUint32();
      const y = this.nextUint32();
      out[i] = ((x & 0xffff) + (x >>> 16) + (y & 0xffff) + (y >>> 16) - 131070) * k;
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
