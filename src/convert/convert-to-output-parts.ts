import type { GenerateContentRequest, Part } from '../api/gemini/types.js';
import type { OutputPart, ToolPart } from '../core/engine.js';

/** How a generation's output is shown to the client (from the request). */
export interface OutputOptions {
  /** `thinkingConfig.includeThoughts`: return thoughts as `thought: true` parts. */
  includeThoughts: boolean;
  /** `logprobs` (top alternatives per token) when `responseLogprobs` was asked for. */
  logprobsTop?: number;
}

export function convertToOutputOptions(req: GenerateContentRequest): OutputOptions {
  const c = req.generationConfig;
  return {
    includeThoughts: c?.thinkingConfig?.includeThoughts === true,
    ...(c?.responseLogprobs ? { logprobsTop: c.logprobs ?? 0 } : {}),
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
 * The opaque `thoughtSignature` on a candidate's first function call. Gemini 3 requires clients
 * to echo it (ai.google.dev/gemini-api/docs/thought-signatures); gemserve emits one so such
 * clients work, and never requires it back. It names the response it came from, base64 as
 * `bytes` fields are.
 */
export function thoughtSignature(responseId: string): string {
  return Buffer.from(`gemserve:${responseId}`).toString('base64');
}

/** Counts function calls per candidate across a stream, for ids and signatures. */
export class CallNumbering {
  readonly #counts = new Map<number, number>();
  constructor(private readonly responseId: string) {}

  /** The wire part of the candidate's next function call. */
  part(candidate: number, call: { name: string; args: Record<string, unknown> }): Part {
    const n = this.#counts.get(candidate) ?? 0;
    this.#counts.set(candidate, n + 1);
    return {
      functionCall: { id: functionCallId(this.responseId, candidate, n), name: call.name, args: call.args },
      ...(n === 0 ? { thoughtSignature: thoughtSignature(this.responseId) } : {}),
    };
  }
}

/**
 * A finished candidate's parts → wire parts, in order: thoughts (`thought: true`, only when
 * asked for), text, function calls. Never empty: a candidate that produced nothing visible gets
 * `{text: ''}` (the SDK's chat drops turns with empty `parts`).
 */
export function convertToOutputParts(parts: readonly OutputPart[], candidate: number, calls: CallNumbering, opts: OutputOptions): Part[] {
  const out: Part[] = [];
  for (const p of parts) {
    if (p.type === 'function-call') out.push(calls.part(candidate, p));
    else if (p.type !== 'text') out.push(convertToolPart(p));
    else if (!p.thought) out.push({ text: p.text });
    else if (opts.includeThoughts) out.push({ text: p.text, thought: true });
  }
  return out.length ? out : [{ text: '' }];
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
