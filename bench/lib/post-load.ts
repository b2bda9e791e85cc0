import { KeepAliveClient } from './http-client.js';
import { median, nowMs, percentile } from './stats.js';

/** One measured load: latency per request (whole body read) and throughput. */
export interface LoadRow {
  what: string;
  concurrency: number;
  requests: number;
  medianMs: number;
  p99Ms: number;
  perSecond: number;
  /** TCP connections the client opened (keep-alive holds one per worker). */
  connections: number;
}

/**
 * POSTs `body` to `path` from `workers` concurrent loops on one keep-alive client: `warmup`
 * unmeasured requests, then `requests` measured ones. Any status but 200 fails the run.
 */
export async function postLoad(opts: {
  port: number; path: string; body: string; what: string; workers: number; requests: number; warmup: number; apiKey?: string;
}): Promise<LoadRow> {
  const client = new KeepAliveClient(opts.port, opts.workers, opts.apiKey);
  const run = async (n: number, ms: number[] | null) => {
    let next = 0;
    const worker = async () => {
      while (next++ < n) {
        const r = await client.post(opts.path, opts.body);
        if (r.status !== 200) throw new Error(`${opts.what}: HTTP ${r.status}: ${r.body.slice(0, 300)}`);
        ms?.push(r.ms);
      }
    };
    await Promise.all(Array.from({ length: opts.workers }, worker));
  };
  await run(opts.warmup, null);
  const ms: number[] = [];
  const t0 = nowMs();
  await run(opts.requests, ms);
  const wall = nowMs() - t0;
  const row = {
    what: opts.what, concurrency: opts.workers, requests: opts.requests, medianMs: median(ms), p99Ms: percentile(ms, 99),
    perSecond: (opts.requests * 1000) / wall, connections: client.connections,
  };
  client.close();
  return row;
}
