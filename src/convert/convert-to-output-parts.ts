import type { GenerateContentRequest, Part } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { OutputPart, ToolPart } from '../core/engine.js';
import { validatesThoughtSignatures } from './check-thought-signatures.js';
import type { ThoughtSigner } from './thought-signer.js';

/** How a generation's output is shown to the client (from the request). */
export interface OutputOptions {
  /** `thinkingConfig.includeThoughts`: return thoughts as `thought: true` parts. */
  includeThoughts: boolean;
  /** `logprobs` (top alternatives per token) when `responseLogprobs` was asked for. */
  logprobsTop?: number;
  /** Signs the parts that carry gemserve's thought signatures; absent, gemserve adds none. */
  signatures?: SignatureOptions;
}

/** Which parts gemserve signs (see {@link CallNumbering}). */
export interface SignatureOptions {
  signer: ThoughtSigner;
  /** Also sign the last part of a candidate that made no call (Gemini 3). */
  lastPart: boolean;
}

/** The output options of `req` on the model of `entry`, signed with `signer` when given. */
export function convertToOutputOptions(req: GenerateContentRequest, entry?: CatalogEntry, signer?: ThoughtSigner): OutputOptions {
  const c = req.generationConfig;
  return {
    includeThoughts: c?.thinkingConfig?.includeThoughts === true,
    ...(c?.responseLogprobs ? { logprobsTop: c.logprobs ?? 0 } : {}),
    ...(signer ? { signatures: { signer, lastPart: entry !== undefined && validatesThoughtSignatures(entry.definition) } } : {}),
  };
}

/**
 * Function calls get ids (clients return "the response with the matching `id`", FunctionCall.id
 * in content.proto) made from the response id, so they are unique without any state:
 * `<responseId>-<candidate>-<n>`.
 */
export function functionCallId(responseId: string, candidate: number, n: number): string {
  return `${responseId}-${candidate}-${n}`;
}

/**
 * Numbers function calls per candidate across a stream, for their ids, and decides where
 * thought signatures go, as Gemini 3 places them (ai.google.dev/gemini-api/docs/thought-signatures):
 * the first function call part of a response carries one (each response is one step; of parallel
 * calls only the first is signed), and "model responses without a function call will return a
 * thought signature inside the last part returned by the model". A
 * signature the engine made (a Gemini upstream's) goes through untouched, and a candidate that has
 * one gets none of gemserve's. gemserve signs the first call on every model, as it always has
 * (clients echo it; older models never require it), and the last part only where Gemini 3's
 * rules apply ({@link SignatureOptions.lastPart}).
 */
export class CallNumbering {
  readonly #counts = new Map<number, number>();
  /** Candidates whose signatures are the engine's. */
  readonly #engineSigned = new Set<number>();
  constructor(private readonly responseId: string, private readonly signing?: SignatureOptions) {}

  /** The wire part of the candidate's next function call. */
  part(candidate: number, call: { name: string; args: Record<string, unknown>; thoughtSignature?: string }): Part {
    const n = this.#counts.get(candidate) ?? 0;
    this.#counts.set(candidate, n + 1);
    if (call.thoughtSignature) this.noteEngineSignature(candidate);
    const signature = call.thoughtSignature ??
      (n === 0 && this.signing && !this.#engineSigned.has(candidate) ? this.signing.signer.sign(this.responseId, candidate, { kind: 'call', index: 0 }) : undefined);
    return {
      functionCall: { id: functionCallId(this.responseId, candidate, n), name: call.name, args: call.args },
      ...(signature ? { thoughtSignature: signature } : {}),
    };
  }

  /** The engine signed a part of `candidate`: gemserve signs nothing more of it. */
  noteEngineSignature(candidate: number): void {
    this.#engineSigned.add(candidate);
  }

  /** gemserve's signature for the last part of `candidate`, when it is due (no call, no engine signature, Gemini 3). */
  lastPartSignature(candidate: number): string | undefined {
    if (!this.signing?.lastPart || this.#counts.has(candidate) || this.#engineSigned.has(candidate)) return undefined;
    return this.signing.signer.sign(this.responseId, candidate, { kind: 'last' });
  }
}

/**
 * A finished candidate's parts → wire parts, in order: thoughts (`thought: true`, only when
 * asked for), text, function calls, each with the engine's signature. Never empty: a candidate
 * that produced nothing visible gets `{text: ''}` (the SDK's chat drops turns with empty `parts`).
 * A hidden thought's signature still goes out, on an empty part of its own, so the client can
 * send it back; gemserve's own signatures go where {@link CallNumbering} says.
 */
export function convertToOutputParts(parts: readonly OutputPart[], candidate: number, calls: CallNumbering, opts: OutputOptions): Part[] {
  const out: Part[] = [];
  if (parts.some((p) => (p.type === 'text' || p.type === 'function-call') && p.thoughtSignature)) calls.noteEngineSignature(candidate);
  for (const p of parts) {
    const sig = (p.type === 'text' && p.thoughtSignature) ? { thoughtSignature: p.thoughtSignature } : {};
    if (p.type === 'function-call') out.push(calls.part(candidate, p));
    else if (p.type !== 'text') out.push(convertToolPart(p));
    else if (!p.thought) out.push({ text: p.text, ...sig });
    else if (opts.includeThoughts) out.push({ text: p.text, thought: true, ...sig });
    else if (p.thoughtSignature) out.push({ text: '', ...sig });
  }
  if (!out.length) out.push({ text: '' });
  const last = calls.lastPartSignature(candidate);
  if (last) out[out.length - 1] = { ...out[out.length - 1], thoughtSignature: last };
  return out;
}

/**
 * The code-execution tool's parts, as Gemini's tool returns them (`ExecutableCode` and
 * `CodeExecutionResult` in content.proto; ai.google.dev/gemini-api/docs/code-execution).
 */
export function convertToolPart(p: ToolPart): Part {
  if (p.type === 'executable-code') return { executableCode: { language: 'PYTHON', code: p.code } };
  if (p.type === 'code-execution-result') return { codeExecutionResult: { outcome: p.outcome, ...(p.output ? { output: p.output } : {}) } };
  return { inlineData: { mimeType: p.mimeType, data: Buffer.from(p.data).toString('base64') } };
}
