import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { GgmlType, readGgufFileInfo } from 'node-llama-cpp';

/** What a results file says about the weights a benchmark ran on. */
export interface ModelInfo {
  file: string;
  bytes: number;
  parameters: number;
  architecture: string | null;
  /** Tensor types by count, e.g. `{ Q8_0: 84, F32: 25 }`. */
  tensorTypes: Record<string, number>;
  layers: number | null;
  embeddingLength: number | null;
  vocabulary: number | null;
  trainContext: number | null;
}

/** Reads a GGUF's header only (not the weights) and counts its parameters from the tensor shapes. */
export async function describeModel(path: string): Promise<ModelInfo> {
  const info = await readGgufFileInfo(path, { readTensorInfo: true });
  let parameters = 0;
  const tensorTypes: Record<string, number> = {};
  for (const t of info.fullTensorInfo ?? info.tensorInfo ?? []) {
    parameters += t.dimensions.reduce<number>((n, d) => n * Number(d), 1);
    const type = GgmlType[t.ggmlType] ?? String(t.ggmlType);
    tensorTypes[type] = (tensorTypes[type] ?? 0) + 1;
  }
  const meta = info.metadata as unknown as Record<string, Record<string, unknown> | undefined>;
  const arch = (meta.general?.architecture as string | undefined) ?? null;
  const archMeta = (arch && meta[arch]) || {};
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null);
  const tokens = (meta.tokenizer?.ggml as Record<string, unknown> | undefined)?.tokens;
  return {
    file: basename(path),
    bytes: statSync(path).size,
    parameters,
    architecture: arch,
    tensorTypes,
    layers: num(archMeta.block_count),
    embeddingLength: num(archMeta.embedding_length),
    vocabulary: Array.isArray(tokens) ? tokens.length : null,
    trainContext: num(archMeta.context_length),
  };
}

/** `86.2M params, 92.4 MB` */
export function modelSummary(m: ModelInfo): string {
  return `${m.file}: ${(m.parameters / 1e6).toFixed(1)}M params, ${(m.bytes / 1e6).toFixed(1)} MB, ${Object.keys(m.tensorTypes).join('/')}`;
}
