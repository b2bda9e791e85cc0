/** `gemserve batch <folder|file.jsonl>`: bulk requests against a running Gemini API server (see batch/run-batch.ts). */
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import { SETTINGS } from '../../config/settings.js';
import type { PriceOverrides } from '../../gateway/usage/price-table.js';
import type { CliContext } from '../cli-context.js';
import { runBatch, DEFAULT_IMAGE_PROMPT, type BatchDeps } from '../batch/run-batch.js';
import type { Command } from './command.js';

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

function positiveInteger(flag: string, v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new ConfigError(`--${flag} must be a positive integer (got ${JSON.stringify(v)})`);
  return n;
}

/** The default server: gemserve on this machine, on the port `gemserve serve` would use. */
function defaultServer(env: NodeJS.ProcessEnv): string {
  let port = SETTINGS.port.default(env);
  if (env.GEMSERVE_PORT) {
    try {
      port = SETTINGS.port.parse(env.GEMSERVE_PORT);
    } catch {
      // serve would refuse this port; the default is as good a guess as any.
    }
  }
  return `http://127.0.0.1:${port}`;
}

function serverUrl(v: string): string {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(`--server must be an http(s) URL (got ${JSON.stringify(v)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`--server must be an http(s) URL (got ${JSON.stringify(v)})`);
  return v.replace(/\/+$/, '').replace(/\/v1beta$/, '');
}

function prices(v: string | undefined): PriceOverrides | undefined {
  if (v === undefined) return undefined;
  try {
    return SETTINGS.prices.parse(v) as PriceOverrides;
  } catch (e) {
    throw new ConfigError(`--prices ${(e as Error).message}`);
  }
}

function timestamp(d: Date): string {
  return d.toISOString().replace(/\..*$/, '').replace(/[-:]/g, '').replace('T', '-');
}

/** Builds the command; tests pass their own fetch and clock. */
export function createBatchCommand(deps: BatchDeps = {}): Command {
  return {
    name: 'batch',
    summary: 'Bulk requests (a folder of images, a JSONL of prompts): cost estimate, progress, results.',
    usage: 'batch <folder|file.jsonl> --model MODEL [--prompt TEXT] [--out DIR] [options]',
    description: [
      'A client of a running gemserve (or any server speaking Gemini API v1beta, Google\'s included).',
      '',
      'Inputs:',
      '  a folder     every image in it (JPEG, PNG, WebP, HEIC/HEIF, GIF; by content, not only by name),',
      '               sorted by name, not sub-folders; one request each: the image inline, then --prompt',
      `               (default "${DEFAULT_IMAGE_PROMPT}"). A file over the inline data limit, or named like an`,
      '               image but holding something else, fails on its own without being sent.',
      '  a .jsonl     one request per line: {"key": "k", "request": {GenerateContentRequest}} (the line format',
      '               of Google\'s Batch API files; sent as written), {"prompt": "...", "key"?: "k"}, or "text".',
      '               With --prompt, it is sent before each prompt line\'s text (a shared instruction).',
      '',
      'First every request is counted with :countTokens (images cost what the server really counts) and',
      'priced with gemserve\'s price table: input cost, and an upper bound if every request wrote its',
      'max output tokens. On a terminal you are asked to go on (--yes skips that); without one it goes on.',
      'Then the requests run with a progress bar on stderr; 429 and 503 are retried after the server\'s',
      'RetryInfo / Retry-After. Ctrl-C stops starting new requests and writes what is done (twice: quit).',
      '',
      'Written to --out: results.jsonl (one line per input: key, file or prompt, ok, text, response or',
      'error, tokens, costUsd, latencyMs) and summary.json. Exit code: 0 all succeeded, 1 any failed,',
      '130 interrupted, 2 bad usage.',
      '',
      'The key: --key, else GOOGLE_API_KEY, else GEMINI_API_KEY (the order of Google\'s SDK).',
    ].join('\n'),
    options: {
      model: { type: 'string', short: 'm', valueName: 'MODEL', help: 'Model id on the server, e.g. gemini-2.5-flash (required).' },
      prompt: { type: 'string', short: 'p', valueName: 'TEXT', help: `Prompt sent with each image (default "${DEFAULT_IMAGE_PROMPT}"); before each JSONL prompt line.` },
      out: { type: 'string', short: 'o', valueName: 'DIR', help: 'Folder for results.jsonl and summary.json (default ./batch-<UTC time>); must not hold results already.' },
      server: { type: 'string', valueName: 'URL', help: 'Server base URL (default http://127.0.0.1:<GEMSERVE_PORT or 8080>).' },
      key: { type: 'string', valueName: 'KEY', help: 'API key, sent as x-goog-api-key (default GOOGLE_API_KEY or GEMINI_API_KEY).' },
      concurrency: { type: 'string', short: 'c', valueName: 'N', help: 'Requests in flight at once (default 2).' },
      timeout: { type: 'string', valueName: 'SECONDS', help: 'Each request\'s time limit; one over it fails as DEADLINE_EXCEEDED (default: none).' },
      'max-output-tokens': { type: 'string', valueName: 'N', help: 'generationConfig.maxOutputTokens of each request (JSONL requests keep their own); bounds the estimate.' },
      'max-cost': { type: 'string', valueName: 'USD', help: 'Do not start when the estimate\'s upper bound is above this.' },
      prices: { type: 'string', valueName: 'JSON', help: 'Price overrides in USD per 1M tokens, as the serve setting, e.g. {"my-model": {"input": 0.1, "output": 0.4}}.' },
      'batch-api': { type: 'boolean', help: 'Submit one Batch API job (:batchGenerateContent, 50% price) and poll it, instead of direct calls.' },
      'dry-run': { type: 'boolean', help: 'Print the estimate and stop.' },
      yes: { type: 'boolean', short: 'y', help: 'Do not ask before sending.' },
    },
    async run({ flags, positionals }, ctx: CliContext) {
      if (positionals.length !== 1) throw new ConfigError('batch takes exactly one <folder|file.jsonl>; run "gemserve batch --help"');
      const model = text(flags.model);
      if (!model) throw new ConfigError('batch needs --model (the model id on the server, e.g. gemini-2.5-flash)');
      const maxCost = text(flags['max-cost']);
      if (maxCost !== undefined && !(Number(maxCost) >= 0)) throw new ConfigError(`--max-cost must be a number of USD (got ${JSON.stringify(maxCost)})`);
      const here = (p: string) => (isAbsolute(p) ? p : resolve(ctx.cwd, p));
      const out = text(flags.out);
      return runBatch({
        source: here(positionals[0]),
        server: serverUrl(text(flags.server) ?? defaultServer(ctx.env)),
        apiKey: text(flags.key) ?? ctx.env.GOOGLE_API_KEY ?? ctx.env.GEMINI_API_KEY,
        model,
        prompt: text(flags.prompt),
        outDir: out ? here(out) : join(ctx.cwd, `batch-${timestamp(new Date())}`),
        concurrency: positiveInteger('concurrency', flags.concurrency) ?? 2,
        ...(flags.timeout !== undefined ? { timeoutMs: positiveInteger('timeout', flags.timeout)! * 1000 } : {}),
        maxOutputTokens: positiveInteger('max-output-tokens', flags['max-output-tokens']),
        ...(maxCost !== undefined ? { maxCostUsd: Number(maxCost) } : {}),
        prices: prices(text(flags.prices)),
        yes: flags.yes === true,
        dryRun: flags['dry-run'] === true,
        batchApi: flags['batch-api'] === true,
      }, ctx, deps);
    },
  };
}

/** The `batch` command. */
export const batchCommand: Command = createBatchCommand();
