import { Worker } from 'node:worker_threads';
import type { ParsedJson } from './parse-json-text.js';

/** A body sent to a parse worker: its first `length` bytes over `blocks`, transferred (the worker owns them after). */
export interface ParseJob {
  id: number;
  blocks: ArrayBuffer[];
  length: number;
}

/** The worker's answer to job `id`: `parseJsonText`'s result. */
export type ParseReply = { id: number } & ParsedJson;

/** This module runs from src/ under tsx (in tests and `npm run gemserve`), not from the compiled dist/. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');

/** The worker program beside this module: `.ts` under tsx, `.js` in dist/. */
const WORKER_SCRIPT = new URL(`./parse-json-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);

/**
 * Under tsx a worker must register tsx itself before it imports a `.ts` program: Node 20 passes
 * the parent's `execArgv` to a worker but does not run its `--import` there (nodejs/node#47747),
 * so tsx's hooks are missing. `register()` from `tsx/esm/api` (tsx's Node.js API, on Node's
 * `module.register`) adds them. The compiled dist/ starts its `.js` program directly.
 */
const TSX_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then(({ register }) => { register(); return import(workerData.script); });
`;

function startWorker(script: URL): Worker {
  if (!FROM_SOURCE) return new Worker(script);
  return new Worker(TSX_BOOTSTRAP, { eval: true, workerData: { tsx: import.meta.resolve('tsx/esm/api'), script: script.href } });
}

interface Pending {
  job: ParseJob;
  resolve: (parsed: ParsedJson) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  current?: Pending;
}

/**
 * Joins, decodes and parses large request bodies on worker threads, so a body of tens of
 * megabytes never holds the event loop for its UTF-8 decoding, nesting scan and `JSON.parse` (on
 * a 50 MB body, 90-130 ms together on a 2-core host). Up to `size` workers, started when a body
 * needs one and unref'd (an idle pool never keeps the process alive); bodies wait in order when
 * all are busy. A worker that fails or exits fails only the body it had, and the next body starts a new
 * one. `close` terminates them all.
 */
export class JsonParsePool {
  readonly #size: number;
  readonly #script: URL;
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 1;
  #closed = false;

  /** `script` is the worker program (tests give a failing one); the default is parse-json-worker. */
  constructor(opts: { size?: number; script?: URL } = {}) {
    this.#size = opts.size ?? 2;
    this.#script = opts.script ?? WORKER_SCRIPT;
  }

  /**
   * Parses the body whose first `length` bytes are in `blocks`, on a worker. A block's memory is
   * transferred when the Buffer is the whole of its ArrayBuffer (as `allocUnsafeSlow`'s are; the
   * Buffer is empty after), else copied (a pooled slice must not be taken from its neighbours).
   */
  parse(blocks: readonly Buffer[], length: number): Promise<ParsedJson> {
    if (this.#closed) return Promise.reject(new Error('the JSON parse pool is closed'));
    const buffers = blocks.map((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer
      ? b.buffer
      : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    return new Promise((resolve, reject) => {
      this.#queue.push({ job: { id: this.#nextId++, blocks: buffers, length }, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const slot = this.#slots.find((s) => !s.current) ?? (this.#slots.length < this.#size ? this.#start() : undefined);
      if (!slot) return;
      const pending = this.#queue.shift()!;
      slot.current = pending;
      slot.worker.postMessage(pending.job, pending.job.blocks);
    }
  }

  #start(): Slot {
    const worker = startWorker(this.#script);
    worker.unref();
    const slot: Slot = { worker };
    this.#slots.push(slot);
    worker.on('message', (reply: ParseReply) => {
      const pending = slot.current;
      if (!pending || pending.job.id !== reply.id) return;
      slot.current = undefined;
      const { id: _id, ...parsed } = reply;
      this.#pump();
      // Receiving a value of many objects is one long task of its own (50,000 parts: ~70 ms);
      // the checks that follow the parse run in a later turn, so /healthz is answered between.
      setImmediate(() => pending.resolve(parsed));
    });
    // Out of memory, a thrown error or an exit: the body it had fails (a 500), the worker is
    // replaced by the next body's. 'error' comes before 'exit' (nodejs.org/api/worker_threads.html#event-error).
    const fail = (e: unknown) => {
      const at = this.#slots.indexOf(slot);
      if (at >= 0) this.#slots.splice(at, 1);
      const pending = slot.current;
      slot.current = undefined;
      pending?.reject(e);
      void worker.terminate();
      this.#pump();
    };
    worker.on('error', fail);
    worker.on('messageerror', fail);
    worker.on('exit', (code) => fail(new Error(`the JSON parse worker exited with code ${code}`)));
    return slot;
  }

  /** Terminates the workers; bodies still waiting or in progress fail. */
  async close(): Promise<void> {
    this.#closed = true;
    const closed = new Error('the JSON parse pool is closed');
    for (const pending of this.#queue.splice(0)) pending.reject(closed);
    const slots = this.#slots.splice(0);
    for (const slot of slots) {
      slot.current?.reject(closed);
      slot.current = undefined;
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
