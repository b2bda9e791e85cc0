import type { DifferenceGroup, DifferenceKind } from './group-differences.js';
import { sameShape, type InteractionResult } from './replay-recording.js';

const KIND_TITLES: Record<DifferenceKind, string> = {
  'no-answer': 'no answer',
  status: 'different status',
  'shape-missing': 'Google 200, gemserve 200: keys Google sends and gemserve does not',
  'shape-chunks': 'Google 200, gemserve 200: keys Google repeats in every stream chunk',
  'shape-type': 'Google 200, gemserve 200: different JSON types',
  'shape-extra': 'Google 200, gemserve 200: keys gemserve sends and Google does not',
};

/** The summary printed after a replay: counts, then the differences grouped by cause. */
export function formatSummary(results: InteractionResult[], websocket: string[], groups: DifferenceGroup[]): string {
  const replayed = results.filter((r) => r.kind === 'gemini-api');
  const answered = replayed.filter((r) => r.gemserveStatus !== undefined);
  const same = answered.filter((r) => r.gemserveStatus === r.googleStatus && !r.gemserveError?.inBand);
  const google200 = replayed.filter((r) => r.googleStatus === 200);
  const both200 = google200.filter((r) => r.gemserveStatus === 200 && !r.gemserveError?.inBand);
  const unmapped = replayed.filter((r) => r.unmapped);
  const skipped = (kind: string) => results.filter((r) => r.kind === kind).length;
  const rows: [string, string | number][] = [
    ['recorded HTTP interactions', results.length],
    ['replayed (Gemini API)', replayed.length],
    ['  same status as Google', same.length],
    ['  different status (or an error in a 200 stream)', answered.length - same.length],
    ['  no answer', replayed.length - answered.length],
    ['Google 200 -> gemserve 200', `${both200.length} of ${google200.length}`],
    ['  of those, Google kept no body to compare', both200.filter((r) => r.shape === 'google-body-not-recorded').length],
    ['  of the others, same shape (content-dependent keys aside)', both200.filter(sameShape).length],
    ['requests naming resources not mapped', unmapped.length],
    ['skipped: Vertex AI', skipped('vertex-ai')],
    ['skipped: other hosts', skipped('other-host')],
    ['skipped: WebSocket (Live API) sessions', websocket.length],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  lines.push('', 'Differences by cause (count, models, one example):');
  let kind = '';
  for (const g of groups) {
    if (g.kind !== kind) lines.push(`  [${KIND_TITLES[g.kind]}]`);
    kind = g.kind;
    lines.push(`  ${String(g.count).padStart(3)}  ${g.cause}${g.models.length > 0 ? `  (${g.models.join(', ')})` : ''}`);
    lines.push(`       ${g.example.request}  Google ${g.example.google}, gemserve ${g.example.gemserve ?? '-'}`);
    if (g.example.body !== undefined) lines.push(`       body: ${truncate(JSON.stringify(g.example.body), 300)}`);
    if (g.example.error) lines.push(`       error: ${truncate(g.example.error, 300)}${g.example.field ? ` [field ${g.example.field}]` : ''}`);
    if (g.example.shape) lines.push(`       ${g.example.shape}`);
  }
  if (groups.length === 0) lines.push('  none');
  return lines.join('\n');
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
