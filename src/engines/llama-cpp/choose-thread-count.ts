import type { LlamaModel } from 'node-llama-cpp';

/** `threads` setting of the engine: a fixed count, or 'auto' to pick what is fastest here. */
export type ThreadSetting = 'auto' | number;

/** Measures decode speed (ms per generated token, lower is better) with `threads` threads. */
export type DecodeSpeedProbe = (threads: number) => Promise<number>;

/** Extra threads must beat one thread by this much to be kept; a tie keeps cores free for other work. */
const MIN_SPEEDUP = 0.1;

/**
 * Picks the number of threads a context evaluates with.
 *
 * - A number is used as is (at least 1).
 * - 'auto' on a host with ≤ 2 cores: 1, without measuring. Measured on the 2-core dev host
 *   with node-llama-cpp 3.22.1: stories260K decodes at about 1,500-2,300 tokens/s on 1 thread
 *   and far less on 2 (measured on that host); the generated ~100M-parameter Q8_0 bench
 *   model took 10.7-12.9 ms/token on 1 thread against 57-352 ms/token on 2 (median of 32
 *   tokens, 3 runs each, other work running). Likely cause: with both cores shared with
 *   Node and other processes, every token waits for the slowest thread. Calibrating at load
 *   was rejected here: on tiny models the two are close and noisy (0.8-1.8 vs 0.9-1.3
 *   ms/token over repeated runs), and a wrong pick is very costly.
 * - 'auto' on > 2 cores: a calibration when a probe is given (decode 16 tokens with 1 and
 *   with all math cores, keep more threads only if at least 10% faster; costs two small
 *   contexts and 32 decoded tokens at load, a second or two on a 7B model), else all math
 *   cores, llama.cpp's own default. There cores are to spare and llama.cpp normally scales.
 */
export async function chooseThreadCount(
  requested: ThreadSetting,
  cpuCores: number,
  probe?: DecodeSpeedProbe,
): Promise<number> {
  if (requested !== 'auto') return Math.max(1, Math.floor(requested));
  if (cpuCores <= 2) return 1;
  if (!probe) return cpuCores;
  const one = await probe(1);
  const many = await probe(cpuCores);
  return many < one * (1 - MIN_SPEEDUP) ? cpuCores : 1;
}

/**
 * A probe for `chooseThreadCount`: evaluates a short prompt then decodes `tokens` tokens
 * greedily on a throw-away one-sequence context and returns the median ms per token (the
 * median shrugs off a stall or two from other processes).
 */
export function decodeSpeedProbe(model: LlamaModel, tokens = 16): DecodeSpeedProbe {
  return async (threads) => {
    const context = await model.createContext({ contextSize: 256, sequences: 1, threads });
    try {
      const prompt = model.tokenize('Once upon a time', true);
      const times: number[] = [];
      let last = performance.now();
      let first = true;
      for await (const _ of context.getSequence().evaluate(prompt, { temperature: 0 })) {
        const now = performance.now();
        // The first token includes the prompt's evaluation: not a decode step.
        if (!first) times.push(now - last);
        first = false;
        last = now;
        if (times.length >= tokens) break;
      }
      times.sort((a, b) => a - b);
      return times.length ? times[Math.floor(times.length / 2)] : Number.POSITIVE_INFINITY;
    } finally {
      await context.dispose();
    }
  };
}
