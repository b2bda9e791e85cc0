/**
 * Checks a GGUF file before llama.cpp sees it, so a bad file fails with a reason a user can act
 * on. Shared by the embedded engine (which loads the file itself) and the llama-server engine
 * (whose child process would only log a vague failure and exit).
 */
import { open, stat } from 'node:fs/promises';
import { readGgufFileInfo } from 'node-llama-cpp';
import { Errors, type GemserveError } from '../../core/errors.js';

/** Every GGUF file starts with these 4 bytes (GGUF spec, ggml/docs/gguf.md). */
const GGUF_MAGIC = 'GGUF';
/** magic (4) + version (4) + tensor count (8) + metadata count (8), GGUF v2/v3. */
const GGUF_HEADER_BYTES = 24;

/**
 * The checks llama.cpp would otherwise fail on with a vague "Failed to load model" (or a
 * TypeError from node-llama-cpp's metadata reader, for a cut header). Returns the error, or
 * undefined when the file looks loadable.
 */
export async function checkGgufFile(modelPath: string): Promise<GemserveError | undefined> {
  const bad = (reason: string, cause?: unknown) => withCause(Errors.badModelFile(modelPath, reason), cause);
  let size: number;
  try {
    const st = await stat(modelPath);
    if (!st.isFile()) return bad('it is not a regular file');
    size = st.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return bad(code === 'ENOENT' ? 'the file does not exist' : `it cannot be read (${code ?? errorMessage(e)})`, e);
  }
  let head: Buffer;
  try {
    head = await readHead(modelPath, GGUF_HEADER_BYTES);
  } catch (e) {
    return bad(`it cannot be read (${(e as NodeJS.ErrnoException).code ?? errorMessage(e)})`, e);
  }
  if (head.length < GGUF_MAGIC.length || head.toString('latin1', 0, 4) !== GGUF_MAGIC) {
    return bad(`it is not a GGUF file (it does not start with the "${GGUF_MAGIC}" magic bytes)`);
  }
  if (size < GGUF_HEADER_BYTES) return bad(`the file is truncated (${size} bytes, shorter than a GGUF header)`);
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(modelPath, { logWarnings: false, spliceSplitFiles: false });
  } catch (e) {
    return bad(`its GGUF header is corrupt (${errorMessage(e)})`, e);
  }
  const headerEnd = info.infoEndOffset ?? 0;
  if (headerEnd > size) {
    return bad(`the file is truncated: its GGUF header needs ${headerEnd} bytes but the file has ${size}`);
  }
  // A cut header reads as zeros past the end, so these catch it too.
  if (!info.metadata?.general?.architecture) return bad('its GGUF metadata has no general.architecture (corrupt or truncated)');
  const dataStart = Math.max(headerEnd, ...(info.tensorInfo ?? []).map((t) => Number(t.fileOffset)));
  if (dataStart >= size && (info.tensorInfo?.length ?? 0) > 0) {
    return bad(`the file is truncated: tensor data reaches past byte ${dataStart} but the file has ${size} bytes`);
  }
  return undefined;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The catalog's factory takes no cause; keep it for logs (never sent to clients). */
export function withCause(err: GemserveError, cause: unknown): GemserveError {
  if (cause !== undefined) Object.defineProperty(err, 'cause', { value: cause, configurable: true, writable: true });
  return err;
}
