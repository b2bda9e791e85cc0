/**
 * Replays Google's recorded Gemini API traffic against a running gemserve and compares the
 * answers: the status, and for a 200 from both the shape of the response (its key paths and
 * their types, not the generated values). The recordings are the `@google/genai` SDK's system
 * tests (googleapis/js-genai, `test/system/recordings/`); they are read from a folder given on
 * the command line and never copied into this repository.
 *
 *   npx tsx scripts/replay-recordings.ts DIR --write-config FILE [--engine JSON]   # a config binding every model named
 *   npx tsx scripts/replay-recordings.ts DIR --url http://127.0.0.1:PORT [--key K] [--report FILE] [--only TEXT]
 *
 * Vertex AI interactions and Live API (WebSocket) sessions are skipped and counted by kind.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { buildModelsConfig } from './replay/build-models-config.js';
import { groupDifferences } from './replay/group-differences.js';
import { formatSummary } from './replay/format-summary.js';
import { readRecordings } from './replay/read-recordings.js';
import { replayRecording, type InteractionResult } from './replay/replay-recording.js';
import { contentDependentRules } from './replay/response-shape.js';

const USAGE = 'usage: replay-recordings.ts DIR (--url http://127.0.0.1:PORT [--key K] [--report FILE] [--only TEXT] [--timeout MS]'
  + ' | --write-config FILE [--engine \'{"kind":"fake"}\'])';

/** A generation on the fake engine takes milliseconds; this only bounds a hung server. */
const DEFAULT_TIMEOUT_MS = 60_000;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      url: { type: 'string' }, key: { type: 'string' }, report: { type: 'string' }, only: { type: 'string' },
      timeout: { type: 'string' }, 'write-config': { type: 'string' }, engine: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  const dir = positionals[0];
  if (values.help || !dir || (!values.url && !values['write-config'])) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const set = await readRecordings(dir);
  if (values['write-config']) {
    const engine = values.engine ? JSON.parse(values.engine) as Record<string, unknown> : undefined;
    const config = buildModelsConfig(set.http.map((h) => h.recording), engine);
    await writeFile(values['write-config'], `${JSON.stringify(config, null, 2)}\n`);
    console.log(`wrote ${values['write-config']}: ${Object.keys(config.models).length} models on engine ${JSON.stringify(config.engines.demo)}`);
    if (!values.url) return 0;
  }

  const options = { baseUrl: values.url!, ...(values.key ? { key: values.key } : {}), timeoutMs: Number(values.timeout ?? DEFAULT_TIMEOUT_MS) };
  const results: InteractionResult[] = [];
  const resourceNames: Record<string, [string, string][]> = {};
  for (const { file, recording } of set.http) {
    if (values.only && !file.includes(values.only)) continue;
    const replayed = await replayRecording(file, recording, options);
    results.push(...replayed.results);
    if (replayed.mapped.length > 0) resourceNames[file] = replayed.mapped;
  }
  const websocket = set.websocket.filter((f) => !values.only || f.includes(values.only));
  const groups = groupDifferences(results);
  console.log(formatSummary(results, websocket, groups));

  const reportPath = values.report ?? join(tmpdir(), 'gemserve-replay-report.json');
  const report = {
    recordings: dir, url: options.baseUrl, websocketSkipped: websocket, unreadable: set.unreadable,
    contentDependentPaths: contentDependentRules(), resourceNames, groups, results,
  };
  await writeFile(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nreport: ${reportPath}`);
  return results.some((r) => r.failure) ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
