/**
 * `gemserve batch` from parsed options to exit code: collect the inputs, check the model, count
 * and price them, ask (on a terminal), run them (direct or through the Batch API) with a
 * progress bar, then write results.jsonl and summary.json and print the summary.
 *
 * stdout carries the estimate and the summary; stderr the progress, notes and the question.
 * Exit codes: 0 every request succeeded (or --dry-run), 1 some failed (the files are still
 * written) or the batch could not start, 130 interrupted by Ctrl-C, 2 bad usage.
 */
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CountTokensResponse, GenerateContentResponse, Model } from '../../api/gemini/types.js';
import { PriceTable, type PriceOverrides } from '../../gateway/usage/price-table.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { CollectedInputs } from './batch-input.js';
import { createBatchProgress } from './batch-progress.js';
import type { BatchResult } from './batch-result.js';
import { callGemini, type CallOptions } from './call-gemini.js';
import { collectImageInputs } from './collect-image-inputs.js';
import { countBatchTokens } from './count-batch-tokens.js';
import { estimateBatchCost } from './estimate-batch-cost.js';
import { formatEstimate, formatSummary } from './format-batch-report.js';
import { readJsonlInputs } from './read-jsonl-inputs.js';
import { runBatchApiJob } from './run-batch-api-job.js';
import { runDirectBatch } from './run-direct-batch.js';
import { summarizeBatch } from './summarize-batch.js';
import { RESULTS_FILE, writeBatchOutput } from './write-batch-output.js';

/** The prompt sent with each image when --prompt is not given. */
export const DEFAULT_IMAGE_PROMPT = 'Describe this image.';

/** Exit code of an interrupted batch: 128 + SIGINT, as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/** Everything `gemserve batch` was told. */
export interface BatchOptions {
  /** A folder of images or a .jsonl file. */
  source: string;
  /** Base URL of the server, without `/v1beta`. */
  server: string;
  apiKey?: string;
  model: string;
  prompt?: string;
  outDir: string;
  concurrency: number;
  /** Each request's limit in ms (generateContent and countTokens; not the Batch API's polling). */
  timeoutMs?: number;
  maxOutputTokens?: number;
  /** Refuse to start when the estimate's upper bound is above this (USD). */
  maxCostUsd?: number;
  yes: boolean;
  dryRun: boolean;
  batchApi: boolean;
  prices?: PriceOverrides;
}

/** What tests replace. */
export interface BatchDeps {
  fetch?: typeof fetch;
  /** Asks the user; undefined means: do not ask (not a terminal). */
  confirm?: (question: string) => Promise<boolean>;
  now?: () => number;
}

/** Runs a batch; resolves with the exit code. */
export async function runBatch(opts: BatchOptions, ctx: CliContext, deps: BatchDeps = {}): Promise<number> {
  const now = deps.now ?? Date.now;
  const confirm = deps.confirm ?? terminalConfirm(ctx);
  const server = opts.server.replace(/\/+$/, '');
  const modelId = opts.model.replace(/^models\//, '');
  const modelUrl = `${server}/v1beta/models/${encodeURIComponent(modelId)}`;
  const callOpts: CallOptions = { apiKey: opts.apiKey, ...(deps.fetch ? { fetch: deps.fetch } : {}) };
  const timed: CallOptions = { ...callOpts, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) };
  const price = new PriceTable(opts.prices).priceOf(modelId);

  if (!opts.dryRun && existsSync(join(opts.outDir, RESULTS_FILE))) {
    throw new CliError(`${opts.outDir} already holds ${RESULTS_FILE}; choose another --out so earlier results are kept`, 2);
  }
  const { inputs, skipped } = await collect(opts);
  const refused = inputs.filter((i) => i.refused).length;
  ctx.stderr.write(`${inputs.length} input${inputs.length === 1 ? '' : 's'} from ${opts.source}` +
    `${refused ? `, ${refused} refused` : ''}${skipped.length ? `; skipped ${skipped.length} non-image file${skipped.length === 1 ? '' : 's'} (${preview(skipped)})` : ''}\n`);

  // The model first: a typo should fail in one line, not as N failed requests.
  const model = await callGemini<Model>('GET', modelUrl, undefined, callOpts);
  if (!model.ok && (model.error.httpStatus === undefined || [400, 401, 403, 404].includes(model.error.httpStatus))) {
    throw new CliError(model.error.httpStatus === undefined ? model.error.message : `${opts.model} at ${server}: ${model.error.message}`);
  }
  const outputLimit = model.ok && typeof model.body.outputTokenLimit === 'number' ? model.body.outputTokenLimit : undefined;

  const tokenCounts = await countBatchTokens(inputs, (req) => callGemini<CountTokensResponse>('POST', `${modelUrl}:countTokens`,
    { generateContentRequest: { ...req, model: `models/${modelId}` } }, timed), Math.max(opts.concurrency, 4));
  for (const f of tokenCounts.failures.slice(0, 3)) ctx.stderr.write(`could not count ${f.key}: ${f.error.message}\n`);
  if (tokenCounts.failures.length > 3) ctx.stderr.write(`could not count ${tokenCounts.failures.length - 3} more\n`);
  const estimate = estimateBatchCost(tokenCounts.counts, price, { batch: opts.batchApi, defaultMaxOutputTokens: outputLimit });
  ctx.stdout.write(formatEstimate(estimate, { model: modelId, sendable: inputs.length - refused, notCounted: tokenCounts.failures.length }));
  if (opts.dryRun) return 0;

  if (opts.maxCostUsd !== undefined && price) {
    const bound = estimate.maxCostMicros;
    if (bound === undefined || bound > opts.maxCostUsd * 1e6) {
      throw new CliError(bound === undefined
        ? '--max-cost needs a bound on the output: set --max-output-tokens'
        : `the estimate's upper bound ($${(bound / 1e6).toFixed(6)}) is over --max-cost ($${opts.maxCostUsd}); nothing was sent`);
    }
  }
  if (!opts.yes && confirm && !(await confirm(`Send ${inputs.length - refused} requests to ${modelId} at ${server}? [y/N] `))) {
    ctx.stderr.write('not started\n');
    return 1;
  }

  const interrupt = ctx.signal;
  const progress = createBatchProgress({ stream: ctx.stderr });
  const startedAt = now();
  let outcome: { results: BatchResult[]; interrupted: boolean; batchName?: string };
  try {
    if (opts.batchApi) {
      outcome = await runBatchApiJob({
        inputs, price, interrupt, displayName: `gemserve batch ${basename(opts.source)}`,
        onProgress: (c) => progress.update(c),
        onNote: (line) => progress.note(line),
        client: {
          create: (body) => callGemini('POST', `${modelUrl}:batchGenerateContent`, body, callOpts),
          get: (name) => callGemini('GET', `${server}/v1beta/${name}`, undefined, callOpts),
          cancel: (name) => callGemini('POST', `${server}/v1beta/${name}:cancel`, {}, callOpts),
        },
      });
    } else {
      ctx.stderr.write(`sending ${inputs.length - refused} requests, ${opts.concurrency} at a time\n`);
      outcome = await runDirectBatch({
        inputs, price, interrupt, concurrency: opts.concurrency,
        onProgress: (c) => progress.update(c),
        generate: (req, stopRetrying) =>
          callGemini<GenerateContentResponse>('POST', `${modelUrl}:generateContent`, req, { ...timed, stopRetrying }),
      });
    }
  } finally {
    progress.finish();
  }
  const summary = summarizeBatch(outcome.results, {
    mode: opts.batchApi ? 'batch-api' : 'direct', model: modelId, server, requests: inputs.length,
    interrupted: outcome.interrupted, startedAt, finishedAt: now(), estimate, batchName: outcome.batchName,
  });
  const written = await writeBatchOutput(opts.outDir, inputs, outcome.results, summary);
  ctx.stdout.write(formatSummary(summary, written));
  return summary.interrupted ? INTERRUPTED_EXIT_CODE : summary.failed > 0 ? 1 : 0;
}

async function collect(opts: BatchOptions): Promise<CollectedInputs> {
  const info = await stat(opts.source).catch(() => {
    throw new CliError(`${opts.source} does not exist`, 2);
  });
  if (info.isDirectory()) {
    const c = await collectImageInputs(opts.source, { prompt: opts.prompt ?? DEFAULT_IMAGE_PROMPT, maxOutputTokens: opts.maxOutputTokens });
    if (c.inputs.length === 0) throw new CliError(`${opts.source} holds no images (JPEG, PNG, WebP, HEIC/HEIF, GIF)`, 2);
    return c;
  }
  return readJsonlInputs(opts.source, { prompt: opts.prompt, maxOutputTokens: opts.maxOutputTokens });
}

const preview = (names: readonly string[]) => names.slice(0, 3).join(', ') + (names.length > 3 ? ', ...' : '');

/** A yes/no question on the terminal; none when stdin or stderr is not one (scripts proceed). */
function terminalConfirm(ctx: CliContext): BatchDeps['confirm'] {
  if (!process.stdin.isTTY || ctx.stderr.isTTY !== true) return undefined;
  return (question) => new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    // Ctrl-C at the question means no.
    rl.on('SIGINT', () => {
      rl.close();
      ctx.stderr.write('\n');
      resolve(false);
    });
    rl.question(question, (answer) => {
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
  });
}
