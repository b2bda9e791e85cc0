/**
 * The recording files of the `@google/genai` SDK's system tests (googleapis/js-genai,
 * `test/system/recordings/*.json`), written by Google's test-server (`test-server-sdk`, configured
 * in js-genai's `test/system/test-server.yml`): one file per test, its HTTP interactions in order.
 * Live API sessions are recorded apart, as `*.websocket.log` text files.
 */

/** One recorded request, as the SDK sent it through the test-server proxy. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1beta/models/gemini-2.5-flash:generateContent`. */
  url: string;
  headers?: Record<string, string>;
  /** The body: one JSON value per segment (a single segment for every request recorded so far). */
  bodySegments?: unknown[];
  /** The upstream host, e.g. `generativelanguage.googleapis.com` or `us-central1-aiplatform.googleapis.com`. */
  serverAddress: string;
}

/** Google's answer to it. */
export interface RecordedResponse {
  statusCode: number;
  headers?: Record<string, string>;
  /** The body: one JSON value, or one per SSE event for `streamGenerateContent?alt=sse`; absent when the recording kept none. */
  bodySegments?: unknown[];
}

/** One request and its answer. */
export interface RecordedInteraction {
  request: RecordedRequest;
  response: RecordedResponse;
}

/** One recording file. */
export interface RecordingFile {
  recordID: string;
  interactions: RecordedInteraction[];
}
