import { readGgufFileInfo } from 'node-llama-cpp';

/** What the engine needs to know about a GGUF before starting llama-server on it. */
export interface ModelFacts {
  /** The file carries `tokenizer.chat_template`. */
  hasChatTemplate: boolean;
  /** The context the model was trained with (`<arch>.context_length`), if stated. */
  trainContextSize?: number;
  bosTokenId?: number;
  /** The file names an end-of-turn token (`tokenizer.ggml.eot_token_id`). */
  hasEotToken: boolean;
}

/** Reads the model's GGUF header (node-llama-cpp's reader; no weights are loaded). */
export async function readModelFacts(modelPath: string): Promise<ModelFacts> {
  const info = await readGgufFileInfo(modelPath, { readTensorInfo: false, logWarnings: false, spliceSplitFiles: false });
  const tokenizer = info.metadata?.tokenizer as { chat_template?: unknown; ggml?: Record<string, unknown> } | undefined;
  const template = tokenizer?.chat_template;
  const ctx = (info.architectureMetadata as { context_length?: unknown } | undefined)?.context_length;
  const bos = tokenizer?.ggml?.bos_token_id;
  const eot = tokenizer?.ggml?.eot_token_id;
  return {
    hasChatTemplate: typeof template === 'string' && template.trim() !== '',
    trainContextSize: typeof ctx === 'number' && ctx > 0 ? ctx : undefined,
    bosTokenId: typeof bos === 'number' ? bos : undefined,
    hasEotToken: typeof eot === 'number' && eot >= 0 && eot < 0xffff_ffff,
  };
}
