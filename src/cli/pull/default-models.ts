/**
 * The short model names `gemserve serve --model NAME` and `gemserve pull NAME` accept, each
 * pinned to one GGUF file: a Hugging Face repo at a fixed commit, the file's size and its
 * SHA-256, so the name always means the same bytes (a repo's `main` may move; a commit does
 * not). `serve` with no model and no configured engines serves {@link DEFAULT_MODEL_NAME}.
 *
 * Where the hashes come from: Hugging Face stores GGUF files in Git LFS, whose pointer is the
 * file's SHA-256 and size. The file page at the pinned commit shows them under "Git LFS
 * Details" (`https://huggingface.co/<repo>/blob/<revision>/<file>`), and the download answers
 * with them in `X-Linked-ETag` / `X-Linked-Size`:
 *   curl -sI https://huggingface.co/<repo>/resolve/<revision>/<file> | grep -i '^x-linked-'
 * Each value below was taken from those public records as quoted by several independent
 * public projects that pin the same file (all agreeing); the gemserve download verifies it
 * again, and a file that differs is removed.
 *
 * Why Gemma 3 1B is the default: it is the smallest of these (806 MB at Q4_K_M, against about
 * 1.1 GB for the Qwen models of 1.5 to 1.7B), instruction-tuned with a 32K context (Google's
 * model card: https://ai.google.dev/gemma/docs/core/model_card_3), and answers without a
 * thinking phase (Qwen3 thinks by default, which costs tokens and time before the first word
 * of the answer). The file is llama.cpp's own conversion
 * (the ggml-org organisation), which is not gated on Hugging Face: no token, no licence
 * click-through. Gemma's weights are under the Gemma Terms of Use
 * (https://ai.google.dev/gemma/terms), which apply to whoever uses them; the Qwen models are
 * Apache-2.0.
 */

/** One short name and the exact file it stands for. */
export interface CatalogModel {
  /** The short name, e.g. `gemma3-1b`. */
  name: string;
  /** One line for listings and help. */
  description: string;
  /** Hugging Face repo, `owner/name`. */
  repo: string;
  /** The commit the file is pinned at (40 hex digits). */
  revision: string;
  /** File name in the repo; also its name in the pull cache. */
  file: string;
  /** Exact size in bytes. */
  bytes: number;
  /** SHA-256 of the file, lowercase hex. */
  sha256: string;
  /** The weights' licence, for the docs and the first download's note. */
  license: string;
}

/** The pinned models, the default first. */
export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    name: 'gemma3-1b',
    description: "Google's Gemma 3 1B, instruction-tuned, Q4_K_M (llama.cpp's conversion)",
    repo: 'ggml-org/gemma-3-1b-it-GGUF',
    revision: 'f9c28bcd85737ffc5aef028638d3341d49869c27',
    file: 'gemma-3-1b-it-Q4_K_M.gguf',
    // https://huggingface.co/ggml-org/gemma-3-1b-it-GGUF/blob/f9c28bcd85737ffc5aef028638d3341d49869c27/gemma-3-1b-it-Q4_K_M.gguf
    bytes: 806_058_240,
    sha256: '8ccc5cd1f1b3602548715ae25a66ed73fd5dc68a210412eea643eb20eb75a135',
    license: 'Gemma Terms of Use',
  },
  {
    name: 'qwen2.5-1.5b',
    description: "Alibaba's Qwen2.5 1.5B Instruct, Q4_K_M (Qwen's own conversion)",
    repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
    revision: '91cad51170dc346986eccefdc2dd33a9da36ead9',
    file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
    // https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/blob/91cad51170dc346986eccefdc2dd33a9da36ead9/qwen2.5-1.5b-instruct-q4_k_m.gguf
    bytes: 1_117_320_736,
    sha256: '6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e',
    license: 'Apache-2.0',
  },
  {
    name: 'qwen3-1.7b',
    description: "Alibaba's Qwen3 1.7B (thinks before answering by default), Q4_K_M (Unsloth's conversion)",
    repo: 'unsloth/Qwen3-1.7B-GGUF',
    revision: 'd7f544eead698dbd1f15126ef60b45a1e1933222',
    file: 'Qwen3-1.7B-Q4_K_M.gguf',
    // https://huggingface.co/unsloth/Qwen3-1.7B-GGUF/blob/d7f544eead698dbd1f15126ef60b45a1e1933222/Qwen3-1.7B-Q4_K_M.gguf
    bytes: 1_107_409_472,
    sha256: 'b139949c5bd74937ad8ed8c8cf3d9ffb1e99c866c823204dc42c0d91fa181897',
    license: 'Apache-2.0',
  },
  {
    name: 'qwen2.5-0.5b',
    description: "Alibaba's Qwen2.5 0.5B Instruct, Q4_K_M: the smallest, for weak machines",
    repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
    revision: '9217f5db79a29953eb74d5343926648285ec7e67',
    file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    // https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/blob/9217f5db79a29953eb74d5343926648285ec7e67/qwen2.5-0.5b-instruct-q4_k_m.gguf
    bytes: 491_400_032,
    sha256: '74a4da8c9fdbcd15bd1f6d01d621410d31c6fc00986f5eb687824e7b93d7a9db',
    license: 'Apache-2.0',
  },
];

/** What `gemserve serve` serves when given no model and no engines. */
export const DEFAULT_MODEL_NAME = 'gemma3-1b';

/** The catalog entry called `name` (case-insensitive), if any. */
export function findCatalogModel(name: string, catalog: readonly CatalogModel[] = MODEL_CATALOG): CatalogModel | undefined {
  const want = name.trim().toLowerCase();
  return catalog.find((m) => m.name === want);
}
