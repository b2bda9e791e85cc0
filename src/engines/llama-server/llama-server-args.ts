/**
 * The command line of the llama-server child, minus `--host`/`--port` (start-llama-server.ts).
 * Flags are from `llama-server --help` of node-llama-cpp's llama.cpp release, and kept to ones
 * llama-server has had for a long time, because a binary found on PATH may be older:
 * - `-c` is the whole KV cache: llama-server splits it evenly across `--parallel` slots (the
 *   KV cache is not "unified" when the slot count is given), so it is context × parallel;
 * - `--jinja` renders the GGUF's own chat template (the default in recent releases, needed
 *   in older ones); `--chat-template-file` replaces it for template-less models;
 * - `--no-webui`: the child serves gemserve only, on loopback;
 * - no `-t` unless threads are given: llama-server's default is the physical core count.
 */
export interface LlamaServerArgsOptions {
  modelPath: string;
  mmprojPath?: string;
  /** Context per slot. */
  contextSize: number;
  parallel: number;
  threads?: number;
  chatTemplateFile?: string;
  /** `--override-kv` entries, e.g. `tokenizer.ggml.eot_token_id=int:1`. */
  overrideKv?: string[];
  /** False adds `--no-repack` (see createLlamaServerEngine's SIGILL fallback). */
  repack?: boolean;
}

/** Builds the arguments. */
export function llamaServerArgs(o: LlamaServerArgsOptions): string[] {
  const args = ['-m', o.modelPath];
  if (o.mmprojPath) args.push('--mmproj', o.mmprojPath);
  args.push('-c', String(o.contextSize * o.parallel), '--parallel', String(o.parallel));
  if (o.threads !== undefined) args.push('-t', String(o.threads), '-tb', String(o.threads));
  args.push('--jinja', '--no-webui');
  if (o.chatTemplateFile) args.push('--chat-template-file', o.chatTemplateFile);
  for (const kv of o.overrideKv ?? []) args.push('--override-kv', kv);
  if (o.repack === false) args.push('--no-repack');
  return args;
}
