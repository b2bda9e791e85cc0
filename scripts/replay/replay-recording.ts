import { classifyInteraction, type InteractionKind } from './classify-interaction.js';
import type { RecordedInteraction, RecordingFile } from './recording-format.js';
import { ResourceNameMap } from './resource-names.js';
import { compareShapes, isEmptyDifference, keysNotInEveryChunk, sampleAt, shapeOf, type ShapeDifference } from './response-shape.js';
import { probeSchemaKeywords, type SchemaProbe } from './probe-schema-keywords.js';
import { replayHeaders, sendRequest, serializeBody } from './send-request.js';

/** How gemserve's answer to one recorded request compared with Google's. */
export interface InteractionResult {
  file: string;
  index: number;
  kind: InteractionKind;
  method: string;
  /** The recorded path, with Google's resource names. */
  url: string;
  /** The path sent, after mapping Google's names to gemserve's (absent when skipped). */
  sentUrl?: string;
  /** The recorded request body (the first segment) of a replayed request, for the report's examples. */
  requestBody?: unknown;
  googleStatus: number;
  gemserveStatus?: number;
  /** gemserve's error message: from a non-2xx answer, or an error event inside a 200 stream. */
  gemserveError?: { status?: string; message: string; field?: string; inBand: boolean };
  /** When gemserve refused a schema keyword Google took: every keyword it refuses, and its answer without them. */
  schemaProbe?: SchemaProbe;
  /** For a 200 from both: shape differences that are gemserve's, and those that depend on the generated content. */
  shape?: ShapeComparison | 'google-body-not-recorded';
  /** References to resources created outside what was replayed, sent unchanged. */
  unmapped?: string[];
  /** A transport failure (refused connection, timeout). */
  failure?: string;
}

/** Shape differences that are gemserve's, those that depend on the generated content, and a sample value per structural path. */
export interface ShapeComparison {
  structural: ShapeDifference;
  contentDependent: ShapeDifference;
  /** `google:PATH` / `gemserve:PATH` → the first value there, as short JSON. */
  samples: Record<string, string>;
  /** Of a stream: top-level keys Google sent in every chunk and gemserve only in some. */
  notInEveryChunk: string[];
}

/** Options shared by every replay. */
export interface ReplayOptions {
  baseUrl: string;
  key?: string;
  timeoutMs: number;
}

/**
 * Replays one recording's Gemini API interactions in order against gemserve (the others are only
 * classified), carrying the names of what earlier requests created to the later ones.
 */
export async function replayRecording(
  file: string, recording: RecordingFile, options: ReplayOptions,
): Promise<{ results: InteractionResult[]; mapped: [string, string][] }> {
  const names = new ResourceNameMap();
  const results: InteractionResult[] = [];
  for (const [index, interaction] of recording.interactions.entries()) {
    const { request, response } = interaction;
    const base: InteractionResult = {
      file, index, kind: classifyInteraction(request), method: request.method, url: request.url, googleStatus: response.statusCode,
    };
    if (base.kind !== 'gemini-api') {
      results.push(base);
      continue;
    }
    results.push(await replayOne({ ...base, requestBody: request.bodySegments?.[0] }, interaction, names, options));
  }
  return { results, mapped: names.entries() };
}

async function replayOne(
  base: InteractionResult, { request, response }: RecordedInteraction, names: ResourceNameMap, options: ReplayOptions,
): Promise<InteractionResult> {
  const url = names.rewrite(request.url);
  const rawBody = serializeBody(request.bodySegments);
  const body = rawBody === undefined ? undefined : names.rewrite(rawBody);
  const unmapped = [...new Set([...url.unmapped, ...(body?.unmapped ?? [])])];
  const result: InteractionResult = { ...base, sentUrl: url.text, ...(unmapped.length > 0 ? { unmapped } : {}) };
  const outgoing = { method: request.method, url: url.text, headers: replayHeaders(request.headers, options.key), body: body?.text };
  let answer;
  try {
    answer = await sendRequest(options.baseUrl, outgoing, options.timeoutMs);
    if (response.statusCode === 200) {
      const probe = await probeSchemaKeywords(options.baseUrl, outgoing, answer, options.timeoutMs);
      if (probe) result.schemaProbe = probe;
    }
  } catch (e) {
    return { ...result, failure: (e as Error).message };
  }
  names.learn(response, answer);
  result.gemserveStatus = answer.statusCode;
  const error = errorIn(answer.bodySegments, answer.statusCode !== 200);
  if (error) result.gemserveError = error;
  if (response.statusCode === 200 && answer.statusCode === 200) {
    const recorded = response.bodySegments ?? [];
    result.shape = recorded.length === 0 ? 'google-body-not-recorded' : compareWithSamples(recorded, answer.bodySegments);
  }
  return result;
}

function compareWithSamples(google: unknown[], gemserve: unknown[]): ShapeComparison {
  const { structural, contentDependent } = compareShapes(shapeOf(google), shapeOf(gemserve));
  const samples: Record<string, string> = {};
  const sample = (side: 'google' | 'gemserve', path: string) => {
    const value = sampleAt(side === 'google' ? google : gemserve, path);
    if (value !== undefined) samples[`${side}:${path}`] = value;
  };
  for (const path of structural.missing) sample('google', path);
  for (const path of structural.extra) sample('gemserve', path);
  for (const { path } of structural.typeMismatch) { sample('google', path); sample('gemserve', path); }
  return { structural, contentDependent, samples, notInEveryChunk: keysNotInEveryChunk(google, gemserve) };
}

/** Google's error envelope `{"error":{"code","message","status"}}` in a body or in a stream's events. */
function errorIn(segments: unknown[], failed: boolean): InteractionResult['gemserveError'] {
  for (const segment of segments) {
    const error = (segment as { error?: { message?: unknown; status?: unknown; details?: unknown } } | null)?.error;
    if (error && typeof error.message === 'string') {
      const field = fieldOf(error.details);
      return {
        message: error.message, ...(typeof error.status === 'string' ? { status: error.status } : {}),
        ...(field ? { field } : {}), inBand: !failed,
      };
    }
  }
  if (failed) return { message: typeof segments[0] === 'string' ? segments[0].slice(0, 300) : JSON.stringify(segments[0] ?? '').slice(0, 300), inBand: false };
  return undefined;
}

/** The field a google.rpc.BadRequest detail names (cloud.google.com/apis/design/errors#error_details). */
function fieldOf(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const d of details as { fieldViolations?: { field?: unknown }[] }[]) {
    const field = d?.fieldViolations?.[0]?.field;
    if (typeof field === 'string') return field;
  }
  return undefined;
}

/** True when a 200 from both was compared and has no structural shape difference. */
export function sameShape(result: InteractionResult): boolean {
  const shape = result.shape;
  return shape !== undefined && shape !== 'google-body-not-recorded' && isEmptyDifference(shape.structural) && shape.notInEveryChunk.length === 0;
}
