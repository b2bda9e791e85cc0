/**
 * A minimal `:streamGenerateContent?alt=sse` client on Node's own fetch that timestamps every
 * chunk as it arrives. Raw fetch rather than the SDK so the client's own cost stays small and
 * known (the contract tests already prove the SDK works against the server).
 */
import type { GenerateContentRequest, GenerateContentResponse } from '../../src/api/gemini/types.js';
import { nowMs } from './stats.js';

export interface StreamTiming {
  /** When the request was sent. */
  startedAt: number;
  /** First chunk carrying text: the first generated token as the client sees it. */
  firstTextAt: number;
  /** Last chunk of the stream (the one with the finish reason and final usage). */
  lastChunkAt: number;
  /** Generated tokens, from the final chunk's usageMetadata.candidatesTokenCount. */
  tokens: number;
  /**
   * Tokens already counted when the first text chunk arrived (its cumulative
   * candidatesTokenCount), or 1 when the server sends usage only at the end.
   */
  tokensInFirstChunk: number;
  chunks: number;
  finishReason: string | undefined;
  text: string;
}

/** Time to first token in ms. */
export const ttftMs = (t: StreamTiming) => t.firstTextAt - t.startedAt;

/** Decode throughput: tokens after the first chunk over the time from first to last chunk. */
export const decodeTokensPerSecond = (t: StreamTiming) =>
  ((t.tokens - t.tokensInFirstChunk) * 1000) / (t.lastChunkAt - t.firstTextAt);

/** Streams one generation from `${baseUrl}/v1beta/models/${model}:streamGenerateContent?alt=sse`. */
export async function streamGenerate(baseUrl: string, model: string, body: GenerateContentRequest): Promise<StreamTiming> {
  const startedAt = nowMs();
  const res = await fetch(`${baseUrl}/v1beta/models/${model}:streamGenerateContent?alt=sse`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'bench' },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const timing: StreamTiming = {
    startedAt, firstTextAt: Number.NaN, lastChunkAt: Number.NaN, tokens: 0, tokensInFirstChunk: 1,
    chunks: 0, finishReason: undefined, text: '',
  };
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of res.body) {
    const at = nowMs();
    buffer += decoder.decode(bytes, { stream: true });
    // SSE events end with a blank line; gemserve (like Google) sends one `data:` line per event.
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const data = event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
      if (data) onChunk(timing, JSON.parse(data) as GenerateContentResponse, at);
    }
  }
  if (Number.isNaN(timing.firstTextAt)) throw new Error(`stream ended without text after ${timing.chunks} chunks`);
  return timing;
}

function onChunk(t: StreamTiming, chunk: GenerateContentResponse & { error?: unknown }, at: number): void {
  if (chunk.error) throw new Error(`error event in stream: ${JSON.stringify(chunk.error)}`);
  t.chunks++;
  t.lastChunkAt = at;
  const candidate = chunk.candidates?.[0];
  const text = candidate?.content?.parts?.map((p) => p.text ?? '').join('') ?? '';
  const count = chunk.usageMetadata?.candidatesTokenCount;
  if (text && Number.isNaN(t.firstTextAt)) {
    t.firstTextAt = at;
    if (count !== undefined) t.tokensInFirstChunk = count;
  }
  t.text += text;
  if (count !== undefined) t.tokens = count;
  if (candidate?.finishReason) t.finishReason = candidate.finishReason;
}
