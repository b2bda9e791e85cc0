import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LlamaContextSequence, Token } from 'node-llama-cpp';
import { markStateDirOwner, removeOrphanedStateDirs, STATE_DIR_PREFIX } from './remove-orphaned-state-dirs.js';

/** Default bound on kept prefix states: each is a KV cache on disk (~36 KB a token for a 100M model). */
export const DEFAULT_MAX_PREFIX_STATES = 16;
/**
 * Default bound on their total size. A state is the prefix's whole KV cache (a 7B model in f16
 * keeps ~0.5 MB a token), and the OS temp dir is often RAM (tmpfs): the count alone is no bound.
 */
export const DEFAULT_MAX_PREFIX_STATE_BYTES = 8 * 2 ** 30;

/** Settings of a `PrefixStateStore`. */
export interface PrefixStateStoreOptions {
  /** Where the store makes its own directory (a fresh `mkdtemp`). Default: the OS temp dir. */
  parentDir?: string;
  /** States kept at most; the least recently used is evicted (its file deleted). Default 16. */
  maxStates?: number;
  /** Total size of the state files kept at most, likewise; a single larger state is not kept. Default 8 GiB. */
  maxBytes?: number;
}

interface StoredState {
  /** The tokens the state holds, in order (what `loadStateFromFile` puts in the sequence). */
  tokens: Token[];
  file: string;
  bytes: number;
}

/**
 * Evaluated prompt prefixes (context caching, `Engine.warmCachedPrefix`) saved as llama.cpp
 * sequence states (`LlamaContextSequence.saveStateToFile`), keyed by cache id, bounded, least
 * recently used evicted.
 *
 * Safety: node-llama-cpp warns that loading a state written by another model may crash the
 * process. So the directory is always a fresh one of this store's, removed on dispose, and only
 * files this store wrote (the ones in its map) are ever loaded: a restart starts empty, and a
 * state lost that way is evaluated again (lazily, by the next request naming it). The directories
 * of servers killed before their dispose are removed by the next store that opens beside them
 * (remove-orphaned-state-dirs.ts).
 *
 * File operations run one at a time, so a file is never deleted or replaced while being loaded;
 * each save writes a new file, so a failed save leaves the previous state of the id intact.
 */
export class PrefixStateStore {
  readonly dir: string;
  readonly maxStates: number;
  readonly maxBytes: number;
  /** Insertion order is recency: a used entry is moved to the end. */
  readonly #states = new Map<string, StoredState>();
  #chain: Promise<unknown> = Promise.resolve();
  #files = 0;
  #disposed = false;
  #disposing: Promise<void> | undefined;
  #bytes = 0;

  private constructor(dir: string, maxStates: number, maxBytes: number) {
    this.dir = dir;
    this.maxStates = maxStates;
    this.maxBytes = maxBytes;
  }

  static async open(opts: PrefixStateStoreOptions = {}): Promise<PrefixStateStore> {
    const maxStates = opts.maxStates ?? DEFAULT_MAX_PREFIX_STATES;
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_PREFIX_STATE_BYTES;
    if (!Number.isInteger(maxStates) || maxStates < 1) throw new RangeError(`maxStates must be an integer >= 1, got ${maxStates}`);
    if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive, got ${maxBytes}`);
    const parentDir = opts.parentDir ?? tmpdir();
    await removeOrphanedStateDirs(parentDir);
    const dir = await mkdtemp(join(parentDir, STATE_DIR_PREFIX));
    await markStateDirOwner(dir);
    return new PrefixStateStore(dir, maxStates, maxBytes);
  }

  /** How many states are kept. */
  get size(): number {
    return this.#states.size;
  }

  /** Total size of the state files kept. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The tokens kept for `id` (and marks it recently used), or undefined. */
  tokens(id: string): Token[] | undefined {
    const state = this.#touch(id);
    return state?.tokens;
  }

  /** The state files kept, for tests and diagnostics. */
  files(): string[] {
    return [...this.#states.values()].map((s) => s.file);
  }

  /**
   * Saves `sequence`'s current state as `id`'s (replacing an older one) and evicts the least
   * recently used beyond the bounds (this one too, if alone it is larger than `maxBytes`). The
   * sequence must hold exactly the prefix's tokens and nothing else.
   */
  save(id: string, sequence: LlamaContextSequence): Promise<void> {
    return this.#exclusive(async () => {
      const file = join(this.dir, `${++this.#files}.state`);
      const tokens = [...sequence.contextTokens];
      let bytes: number;
      try {
        ({ fileSize: bytes } = await sequence.saveStateToFile(file));
      } catch (e) {
        await unlink(file).catch(() => undefined);
        throw e;
      }
      await this.#forget(id);
      this.#states.set(id, { tokens, file, bytes });
      this.#bytes += bytes;
      for (const oldest of this.#states.keys()) {
        if (this.#states.size <= this.maxStates && this.#bytes <= this.maxBytes) break;
        await this.#forget(oldest);
      }
    });
  }

  /**
   * Replaces `sequence`'s state with `id`'s. Returns false when there is none (released or
   * evicted meanwhile). A file that fails to load is dropped and the error rethrown; the
   * sequence is then empty.
   */
  loadInto(id: string, sequence: LlamaContextSequence): Promise<boolean> {
    return this.#exclusive(async () => {
      const state = this.#touch(id);
      if (!state) return false;
      // Emptied first: a load that fails early (a missing file, a bad header) leaves the
      // sequence's cells as they were while node-llama-cpp already counts it empty, and the next
      // evaluation then fails on inconsistent positions. Emptied, a failed load leaves it empty.
      await sequence.clearHistory();
      try {
        await sequence.loadStateFromFile(state.file, { acceptRisk: true });
      } catch (e) {
        await this.#forget(id);
        throw e;
      }
      return true;
    });
  }

  /** Forgets `id`'s state and deletes its file. */
  release(id: string): Promise<void> {
    return this.#exclusive(() => this.#forget(id));
  }

  /** Removes the directory and everything in it, after the operations already queued; later calls fail. */
  dispose(): Promise<void> {
    this.#disposing ??= this.#exclusive(async () => {
      this.#disposed = true;
      this.#states.clear();
      this.#bytes = 0;
      await rm(this.dir, { recursive: true, force: true });
    });
    return this.#disposing;
  }

  /** Drops `id`'s entry and deletes its file (inside `#exclusive`). */
  async #forget(id: string): Promise<void> {
    const state = this.#states.get(id);
    if (!state) return;
    this.#states.delete(id);
    this.#bytes -= state.bytes;
    await unlink(state.file).catch(() => undefined);
  }

  #touch(id: string): StoredState | undefined {
    const state = this.#states.get(id);
    if (state) {
      this.#states.delete(id);
      this.#states.set(id, state);
    }
    return state;
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(() => {
      if (this.#disposed) throw new Error('the prefix state store has been disposed');
      return fn();
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }
}
