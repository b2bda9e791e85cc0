import { schemaRoot, valueAtPath } from './body-excerpts.js';
import { modelOfPath } from './classify-interaction.js';
import { causeOf } from './classify-cause.js';
import type { InteractionResult } from './replay-recording.js';

/** One cause of difference, the interactions it covers, and one example to reproduce it with. */
export interface DifferenceGroup {
  /** A different status (or an error event in a 200 stream), a shape difference, or no answer at all. */
  kind: DifferenceKind;
  cause: string;
  count: number;
  /** The models the interactions named: some shapes are Google's for one generation of models only. */
  models: string[];
  interactions: string[];
  example: {
    request: string;
    /** The part of the request body the cause is about. */
    body?: unknown;
    google: number;
    gemserve?: number;
    error?: string;
    /** The field gemserve's error names (google.rpc.BadRequest). */
    field?: string;
    shape?: string;
  };
}

/** Kinds of difference, in the order the summary lists them: what breaks a client first. */
const KINDS = ['no-answer', 'status', 'shape-missing', 'shape-chunks', 'shape-type', 'shape-extra'] as const;
export type DifferenceKind = typeof KINDS[number];

/** Groups every replayed interaction that differs from Google's answer by cause. */
export function groupDifferences(results: InteractionResult[]): DifferenceGroup[] {
  const groups = new Map<string, DifferenceGroup>();
  const add = (kind: DifferenceKind, cause: string, r: InteractionResult, example: () => DifferenceGroup['example']) => {
    const group = groups.get(cause) ?? { kind, cause, count: 0, models: [], interactions: [], example: example() };
    group.count++;
    const model = modelOfPath(r.url);
    if (model && !group.models.includes(model)) group.models.push(model);
    group.interactions.push(`${r.file}#${r.index}`);
    groups.set(cause, group);
  };
  for (const r of results) {
    if (r.kind !== 'gemini-api') continue;
    const request = `${r.method} ${r.sentUrl ?? r.url}`;
    if (r.failure) {
      add('no-answer', `no answer: ${r.failure}`, r, () => ({ request, google: r.googleStatus }));
      continue;
    }
    if (r.schemaProbe) {
      const body = r.requestBody as Record<string, unknown>;
      for (const k of r.schemaProbe.refused) {
        const where = [...new Set(k.at.map(schemaRoot))].join(', ');
        add('status', `JSON schema keyword refused: ${k.keyword} (in ${where})`, r, () => ({
          request, google: r.googleStatus, gemserve: 400, error: k.message, ...(k.field ? { field: k.field } : {}),
          body: { ...Object.fromEntries(k.at.map((path) => [path, valueAtPath(body, path)])), ...(body.toolConfig ? { toolConfig: body.toolConfig } : {}) },
        }));
      }
      if (r.schemaProbe.finalStatus !== r.googleStatus) {
        const message = r.schemaProbe.finalError ?? '';
        const { cause } = causeOf({ ...r, gemserveStatus: r.schemaProbe.finalStatus }, message);
        add('status', `${cause} (once the refused schema keywords were removed)`, r, () => ({
          request, google: r.googleStatus, gemserve: r.schemaProbe?.finalStatus, error: message,
        }));
      }
    } else if (r.unmapped && r.gemserveStatus !== r.googleStatus) {
      add('status', 'resource created outside the replayed interactions (its name could not be mapped)', r, () => ({
        request, google: r.googleStatus, gemserve: r.gemserveStatus, error: r.gemserveError?.message, body: { unmapped: r.unmapped },
      }));
    } else if (r.gemserveStatus !== r.googleStatus || r.gemserveError?.inBand) {
      const message = r.gemserveError?.message ?? '';
      const { cause, excerpt } = causeOf(r, message);
      const body = r.requestBody as Record<string, unknown> | undefined;
      add('status', r.gemserveError?.inBand ? `${cause} (in a 200 stream)` : cause, r, () => ({
        request, google: r.googleStatus, gemserve: r.gemserveStatus, error: message,
        ...(r.gemserveError?.field ? { field: r.gemserveError.field } : {}),
        ...(excerpt && body ? { body: excerpt(body) } : {}),
      }));
    }
    if (r.shape && r.shape !== 'google-body-not-recorded') {
      const { structural: { missing, extra, typeMismatch }, samples } = r.shape;
      for (const path of missing) {
        add('shape-missing', `shape: gemserve omits ${path}`, r, () => ({ request, google: 200, gemserve: 200, shape: `Google's answer has ${path}: ${samples[`google:${path}`]}` }));
      }
      for (const path of extra) {
        add('shape-extra', `shape: gemserve adds ${path}`, r, () => ({ request, google: 200, gemserve: 200, shape: `Google's answer has no ${path}; gemserve's: ${samples[`gemserve:${path}`]}` }));
      }
      for (const key of r.shape.notInEveryChunk) {
        add('shape-chunks', `shape: gemserve leaves ${key} out of some stream chunks`, r, () => ({ request, google: 200, gemserve: 200, shape: `Google sends ${key} in every chunk` }));
      }
      for (const t of typeMismatch) {
        add('shape-type', `shape: ${t.path} is ${t.gemserve.join('|')}, Google's ${t.google.join('|')}`, r, () => ({
          request, google: 200, gemserve: 200, shape: `Google's: ${samples[`google:${t.path}`]}; gemserve's: ${samples[`gemserve:${t.path}`]}`,
        }));
      }
    }
  }
  return [...groups.values()].sort((a, b) =>
    KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || b.count - a.count || a.cause.localeCompare(b.cause));
}
