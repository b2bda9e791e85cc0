import { spawn, type ChildProcess } from 'node:child_process';
import type { LlamaText, LlamaTextJSON } from 'node-llama-cpp';
import { TOKENIZER_PROCESS_SOURCE } from './tokenizer-process-source.js';

/** What the tokenizer process (tokenizer-process-source.ts) is started with. */
export interface TokenizerProcessData {
  modelPath: string;
  /** node-llama-cpp's entry, resolved here: the process's program has no module path to resolve it from. */
  nodeLlamaCppUrl: string;
}

/** A rendered prompt to tokenize (`LlamaText.toJSON()`, which keeps its special tokens). */
export interface TokenizeRequest {
  id: number;
  text: LlamaTextJSON;
  /** Answer with the count only (a countTokens of megabytes needs no 50 MB of token ids back). */
  countOnly: boolean;
}

/** The answer to request `id` (`id` 0: the process's start, `ready` or `error`). */
export interface TokenizeReply {
  id: number;
  tokens?: Uint32Array;
  count?: number;
  ready?: true;
  error?: string;
}

/**
 * Prompts longer than this many characters go to the bulk lane: counting a prompt of many
 * megabytes (countTokens may be sent 100 MB) takes seconds to minutes, and prompts that fit the
 * context must not wait behind it.
 */
export const BULK_PROMPT_CHARS = 1024 * 1024;

interface Job {
  request: TokenizeRequest;
  resolve: (reply: TokenizeReply) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * One tokenizer process and the jobs waiting for it, one in flight at a time. Started on first
 * use; a process that fails or exits fails its jobs and is started again for the next one. An
 * aborted job still queued is dropped; one in flight has the process killed (llama.cpp's
 * tokenizer cannot be interrupted), so a client that leaves stops the work it caused.
 */
class TokenizeLane {
  readonly #modelPath: string;
  readonly #closed: () => Error;
  #child: ChildProcess | undefined;
  #ready: Promise<void> | undefined;
  readonly #queue: Job[] = [];
  #current: Job | undefined;
  #disposed = false;

  constructor(modelPath: string, closed: () => Error) {
    this.#modelPath = modelPath;
    this.#closed = closed;
  }

  run(request: TokenizeRequest, signal?: AbortSignal): Promise<TokenizeReply> {
    if (this.#disposed) return Promise.reject(this.#closed());
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const job: Job = { request, resolve, reject, ...(signal ? { signal } : {}) };
      if (signal) {
        job.onAbort = () => {
          const at = this.#queue.indexOf(job);
          if (at >= 0) this.#queue.splice(at, 1);
          if (this.#current === job) {
            this.#current = undefined;
            this.#stop();
          }
          reject(signal.reason);
          this.#pump();
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.#queue.push(job);
      this.#pump();
    });
  }

  #start(): Promise<void> {
    if (this.#ready) return this.#ready;
    const data: TokenizerProcessData = { modelPath: this.#modelPath, nodeLlamaCppUrl: import.meta.resolve('node-llama-cpp') };
    // Plain node (spawn passes none of the parent's flags, e.g. tsx's loader), structured-clone IPC for the token arrays.
    const child: ChildProcess = spawn(process.execPath, ['-e', TOKENIZER_PROCESS_SOURCE, JSON.stringify(data)], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'advanced',
    });
    this.#child = child;
    this.#ready = new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        reject(e);
        // A process already replaced (or disposed of) has nothing left to fail.
        if (this.#child === child) this.#failAll(this.#disposed ? this.#closed() : e);
      };
      child.on('message', (m: TokenizeReply) => {
        if (m.id === 0) {
          if (m.ready) return resolve();
          fail(new Error(`the tokenizer process could not load the model: ${m.error}`));
          child.kill('SIGKILL');
          return;
        }
        const job = this.#current;
        if (!job || job.request.id !== m.id) return;
        this.#settle(job);
        if (m.error === undefined) job.resolve(m);
        else job.reject(new Error(`tokenizing failed: ${m.error}`));
        this.#pump();
      });
      child.on('error', fail);
      child.on('exit', (code, signal) => fail(new Error(`the tokenizer process exited (${signal ?? `code ${code}`})`)));
    });
    this.#ready.catch(() => undefined);
    return this.#ready;
  }

  #pump(): void {
    this.#holdWhileBusy();
    if (this.#current || this.#queue.length === 0 || this.#disposed) return;
    const job = this.#queue.shift()!;
    this.#current = job;
    this.#start().then(() => {
      if (this.#current === job) this.#child!.send(job.request);
    }, () => undefined);
    this.#holdWhileBusy();
  }

  /** The process keeps the event loop alive only while it has work, as a pending request would. */
  #holdWhileBusy(): void {
    const child = this.#child;
    if (!child) return;
    if (this.#current || this.#queue.length > 0) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }

  #settle(job: Job): void {
    if (this.#current === job) this.#current = undefined;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
  }

  /** Kills the process and forgets it; the next job starts another. */
  #stop(): void {
    const child = this.#child;
    this.#child = undefined;
    this.#ready = undefined;
    child?.kill('SIGKILL');
  }

  /** Fails every job and forgets the process, so the next job starts a new one. */
  #failAll(e: unknown): void {
    const jobs = [...(this.#current ? [this.#current] : []), ...this.#queue.splice(0)];
    for (const job of jobs) {
      this.#settle(job);
      job.reject(e);
    }
    this.#current = undefined;
    this.#stop();
  }

  dispose(): void {
    this.#disposed = true;
    this.#failAll(this.#closed());
  }
}

/**
 * Tokenizes rendered prompts in child processes, so a prompt of megabytes never holds the event
 * loop (llama.cpp tokenizes synchronously, at roughly 0.5 to 4 s per MB). Two lanes, each a
 * process of its own loading only the vocabulary: prompts up to {@link BULK_PROMPT_CHARS}
 * characters, and longer ones, so a huge count never delays a prompt that fits.
 *
 * Processes rather than worker threads (node-llama-cpp works in either): a tokenization in
 * progress cannot be stopped, and Node joins a worker thread before it ends it or exits, so a
 * worker would hold an engine's dispose, and the server's exit, until a minutes-long count is
 * done; a process is killed at once.
 */
export class OffThreadTokenizer implements AsyncDisposable {
  readonly #lanes: { prompt: TokenizeLane; bulk: TokenizeLane };
  #nextId = 1;

  /** `closed` makes the error jobs fail with once the tokenizer is disposed. */
  constructor(modelPath: string, closed: () => Error) {
    this.#lanes = { prompt: new TokenizeLane(modelPath, closed), bulk: new TokenizeLane(modelPath, closed) };
  }

  /** The tokens of `text` (`chars` long), as `text.tokenize(model.tokenizer)` gives them on the same GGUF. */
  async tokenize(text: LlamaText, chars: number, signal?: AbortSignal): Promise<Uint32Array> {
    return (await this.#run(text, chars, false, signal)).tokens!;
  }

  /** How many tokens `text` has, as {@link tokenize} would give them. */
  async count(text: LlamaText, chars: number, signal?: AbortSignal): Promise<number> {
    return (await this.#run(text, chars, true, signal)).count!;
  }

  #run(text: LlamaText, chars: number, countOnly: boolean, signal?: AbortSignal): Promise<TokenizeReply> {
    const lane = chars > BULK_PROMPT_CHARS ? this.#lanes.bulk : this.#lanes.prompt;
    return lane.run({ id: this.#nextId++, text: text.toJSON(), countOnly }, signal);
  }

  async dispose(): Promise<void> {
    this.#lanes.prompt.dispose();
    this.#lanes.bulk.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
