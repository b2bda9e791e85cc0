/**
 * What `gemserve pull <ref>` accepts, and the URL each form downloads from:
 *
 * | ref                                         | downloads                                            |
 * |---------------------------------------------|------------------------------------------------------|
 * | `https://host/path/file.gguf`               | that URL                                             |
 * | `hf:owner/repo/file.gguf`, `owner/repo/file.gguf`, `hf.co/owner/repo/file.gguf` | `https://huggingface.co/owner/repo/resolve/main/file.gguf` |
 * | `https://huggingface.co/owner/repo/blob/main/file.gguf` (a browser link) | the same, via `resolve`   |
 * | `hf.co/owner/repo:QUANT`, `hf:owner/repo:QUANT`, `owner/repo:QUANT` | the repo's `*QUANT.gguf`, found by listing the repo |
 *
 * A `#revision` suffix picks a branch, tag or commit (default `main`). The `:QUANT` forms
 * follow ollama (`hf.co/owner/repo:Q4_K_M`) and node-llama-cpp (`hf:owner/repo:Q4_K_M`);
 * they need Hugging Face's API to list the repo, so they cannot work offline, while the file
 * forms need only the download itself.
 */
import { basename } from 'node:path';
import { CliError } from '../cli-error.js';

/** A parsed pull reference. */
export type PullRef =
  | { kind: 'url'; url: string; fileName: string }
  | { kind: 'hf-file'; owner: string; repo: string; revision: string; file: string; url: string; fileName: string }
  | { kind: 'hf-quant'; owner: string; repo: string; revision: string; quant?: string };

const NAME = /^[\w.-]+$/;
const HF_HOSTS = new Set(['huggingface.co', 'hf.co', 'www.huggingface.co']);

/** The download URL of a file in a Hugging Face repo (the `resolve` endpoint, as huggingface_hub's `hf_hub_url`). */
export function hfFileUrl(endpoint: string, owner: string, repo: string, revision: string, file: string): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${owner}/${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
}

function usage(ref: string, why: string): CliError {
  return new CliError(
    `cannot pull ${JSON.stringify(ref)}: ${why}. Use an https://...gguf URL, hf:owner/repo/file.gguf, ` +
      'owner/repo/file.gguf or hf.co/owner/repo:QUANT',
    2,
  );
}

function hfRef(ref: string, endpoint: string, owner: string, repo: string, rest: string, revision: string): PullRef {
  if (!NAME.test(owner) || !NAME.test(repo) || /^\.+$/.test(owner) || /^\.+$/.test(repo)) throw usage(ref, `"${owner}/${repo}" is not a valid Hugging Face repo id`);
  if (rest.startsWith(':')) {
    const quant = rest.slice(1);
    if (!/^[\w.-]+$/.test(quant)) throw usage(ref, `"${quant}" is not a quantization name like Q4_K_M`);
    return { kind: 'hf-quant', owner, repo, revision, quant };
  }
  if (rest === '') return { kind: 'hf-quant', owner, repo, revision };
  const file = rest.replace(/^\//, '');
  if (!file.toLowerCase().endsWith('.gguf')) throw usage(ref, `"${file}" is not a .gguf file`);
  if (file.split('/').some((s) => s === '' || s === '.' || s === '..')) throw usage(ref, `"${file}" is not a valid file path`);
  return { kind: 'hf-file', owner, repo, revision, file, url: hfFileUrl(endpoint, owner, repo, revision, file), fileName: basename(file) };
}

/**
 * Parses a pull reference. `endpoint` is the Hugging Face endpoint (a mirror, or a local
 * server in tests). Throws {@link CliError} (exit 2) for something that is no reference.
 */
export function parsePullRef(ref: string, endpoint = 'https://huggingface.co'): PullRef {
  const trimmed = ref.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw usage(ref, 'it is not a valid URL');
    }
    // A link copied from the Hugging Face website (`/blob/` page or `/resolve/` download).
    const m = /^\/([^/]+)\/([^/]+)\/(?:blob|resolve)\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (m && (HF_HOSTS.has(url.hostname) || url.origin === new URL(endpoint).origin)) {
      const origin = HF_HOSTS.has(url.hostname) ? endpoint : url.origin;
      return hfRef(ref, origin, m[1], m[2], `/${decodeURIComponent(m[4])}`, decodeURIComponent(m[3]));
    }
    const fileName = decodeURIComponent(basename(url.pathname));
    if (!fileName.toLowerCase().endsWith('.gguf')) throw usage(ref, 'the URL does not name a .gguf file');
    return { kind: 'url', url: url.href, fileName };
  }
  const [body, revision = 'main', ...extra] = trimmed.replace(/^(hf:|huggingface:|(?:www\.)?(?:hf\.co|huggingface\.co)\/)/i, '').split('#');
  if (extra.length || revision === '') throw usage(ref, 'it has more than one #revision');
  const m = /^([^/:]+)\/([^/:]+)(.*)$/.exec(body);
  if (!m) throw usage(ref, 'it is not of the form owner/repo/file.gguf or owner/repo:QUANT');
  return hfRef(ref, endpoint, m[1], m[2], m[3], revision);
}

/** A split GGUF part, `name-00001-of-00003.gguf` (llama.cpp's gguf-split naming). */
const SPLIT = /-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * Picks the file for `owner/repo:QUANT` from the repo's file list: a `.gguf` (not a vision
 * projector `mmproj*`) whose name ends in the quant, e.g. `Qwen2.5-0.5B-Instruct-Q4_K_M.gguf`.
 * Without a quant: the only GGUF, else Q4_K_M, the default ollama picks for `hf.co/` refs.
 */
export function pickQuantFile(ref: string, files: readonly string[], quant?: string): string {
  const ggufs = files.filter((f) => f.toLowerCase().endsWith('.gguf') && !/mmproj/i.test(basename(f)));
  if (ggufs.length === 0) throw new CliError(`${ref}: the repo has no .gguf files`);
  if (!quant && ggufs.length === 1) return ggufs[0];
  const want = (quant ?? 'Q4_K_M').toLowerCase();
  const matches = ggufs.filter((f) => {
    const stem = basename(f).replace(SPLIT, '.gguf').toLowerCase().replace(/\.gguf$/, '');
    return stem === want || (stem.endsWith(want) && '-._'.includes(stem[stem.length - want.length - 1]));
  });
  const available = ggufs.map((f) => basename(f)).join(', ');
  if (matches.length === 0) {
    throw new CliError(`${ref}: no .gguf file for ${quant ? `quantization ${quant}` : 'the default Q4_K_M (name one with :QUANT)'}; the repo has ${available}`);
  }
  const whole = matches.filter((f) => !SPLIT.test(f));
  if (whole.length === 1) return whole[0];
  if (whole.length === 0) {
    throw new CliError(`${ref}: ${basename(matches[0])} is split into parts; gemserve pull does not join split GGUF files yet`);
  }
  throw new CliError(`${ref}: several files match ${quant ?? 'Q4_K_M'} (${whole.join(', ')}); pull one by name: owner/repo/FILE.gguf`);
}
