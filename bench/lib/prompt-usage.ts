import type { GenerateContentRequest, GenerateContentResponse, UsageMetadata } from '../../src/api/gemini/types.js';

/** A prompt's size as the server bills it. */
export interface PromptUsage {
  promptTokens: number;
  /** `promptTokensDetails` by modality, e.g. `{ TEXT: 20, IMAGE: 1032 }`. */
  byModality: Record<string, number>;
}

/**
 * The `usageMetadata` prompt count of `body`: one untimed `:generateContent` of the same request
 * with a one-token answer. Timed streams read only the generated count from their chunks, so a
 * benchmark that divides by prompt tokens asks for them this way, outside the timed requests.
 */
export async function promptUsage(baseUrl: string, model: string, body: GenerateContentRequest): Promise<PromptUsage> {
  const res = await fetch(`${baseUrl}/v1beta/models/${model}:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'bench' },
    body: JSON.stringify({ ...body, generationConfig: { ...body.generationConfig, maxOutputTokens: 1 } }),
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const usage: UsageMetadata | undefined = ((await res.json()) as GenerateContentResponse).usageMetadata;
  if (!usage) throw new Error('response without usageMetadata');
  const byModality = Object.fromEntries((usage.promptTokensDetails ?? []).map((d) => [d.modality, d.tokenCount]));
  return { promptTokens: usage.promptTokenCount, byModality };
}
