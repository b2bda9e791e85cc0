import type { RecordedRequest } from './recording-format.js';

/** Which API a recorded request went to. Only `gemini-api` is replayed. */
export type InteractionKind = 'gemini-api' | 'vertex-ai' | 'other-host';

/** The Gemini Developer API's host (ai.google.dev/api); Vertex AI's are `*aiplatform.googleapis.com`. */
const GEMINI_API_HOST = 'generativelanguage.googleapis.com';

/** Classifies a request by the host it was recorded against. */
export function classifyInteraction(request: RecordedRequest): InteractionKind {
  const host = request.serverAddress ?? '';
  if (host === GEMINI_API_HOST) return 'gemini-api';
  if (host.endsWith('aiplatform.googleapis.com')) return 'vertex-ai';
  return 'other-host';
}

/** The model id a Gemini API path names (`/v1beta/models/ID:method`, also `tunedModels/`), if any. */
export function modelOfPath(url: string): string | undefined {
  const m = /^\/[^/]+\/models\/([^:/?]+)/.exec(url);
  return m ? decodeURIComponent(m[1]) : undefined;
}
