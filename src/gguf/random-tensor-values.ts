import { SeededRandom } from './seeded-random.js';

/** Values generated per chunk handed to the GGUF writer: small enough to stay in cache. */
const CHUNK_VALUES = 64 * 1024;

/**
 * The values of a `rows` × `rowLength` tensor with weights drawn from the seed's stream named
 * `name` (so each tensor is independent of the others' sizes), with standard deviation `scale`.
 * Yields whole rows, reusing one buffer, as the writer allows.
 */
export function* randomRows(seed: number, name: string, rowLength: number, rows: number, scale: number) {
  const random = SeededRandom.forStream(seed, name);
  const rowsPerChunk = Math.max(1, Math.floor(CHUNK_VALUES / rowLength));
  const chunk = new Float32Array(rowsPerChunk * rowLength);
  for (let row = 0; row < rows; row += rowsPerChunk) {
    const n = Math.min(rowsPerChunk, rows - row) * rowLength;
    yield random.fillNormalish(n === chunk.length ? chunk : chunk.subarray(0, n), scale);
  }
}

/** The values of a tensor of `count` elements all equal to `value` (norm weights, biases). */
export function* constantValues(count: number, value: number) {
  yield new Float32Array(count).fill(value);
}
