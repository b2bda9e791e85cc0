import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { BatchOperation, ListBatchesResponse } from '../../api/gemini/types.js';
import { Errors } from '../../core/errors.js';
import type { BatchJob } from '../../storage/batches/batch-record.js';
import { randomFileId } from '../../storage/random-id.js';
import { API_VERSIONS } from '../api-versions.js';
import type { BatchService } from '../../batch/batch-service.js';
import { toBatchOperation } from '../../batch/convert-to-batch-operation.js';
import { parseBatchJsonl, parseBatchRequest } from '../../batch/parse-batch-request.js';
import type { MethodContext, MethodHandler } from '../method-context.js';
import { parseModelMethodPath } from '../model-method-path.js';
import { pageSizeOf, queryValue } from '../list-paging.js';

/** batches.list page size when none is asked for, and the most one page holds (gemserve's choice; Google documents neither). */
export const DEFAULT_BATCHES_PAGE_SIZE = 50;
export const MAX_BATCHES_PAGE_SIZE = 100;

/**
 * `POST …/models/{id}:batchGenerateContent` and `…:asyncBatchEmbedContent` (model methods,
 * routes/model-methods.ts): store the job and its requests, wake the worker, answer the
 * Operation (state PENDING). A file batch reads and checks its JSONL File now, as the caller's
 * (someone else's File is the usual 403), so a bad line is a 400 here rather than a failed job.
 */
export function createBatch(kind: BatchJob['kind']): MethodHandler {
  return async (ctx: MethodContext): Promise<BatchOperation> => {
    const service = ctx.batches;
    const { request } = ctx;
    if (!service) throw Errors.notFound(request.url.split('?')[0]);
    const parsed = parseBatchRequest(request.body, { kind, unknownFields: ctx.service.unknownFields });
    let items;
    let input: BatchJob['input'];
    if (parsed.input.kind === 'inline') {
      items = parsed.input.items;
      input = { kind: 'inline' };
    } else {
      if (!service.files) throw Errors.invalidArgument('This server has no Files API: send the requests inline.', 'batch.input_config.file_name');
      const { record, bytes } = await service.files.readForOwner(parsed.input.fileName, request.caller.id);
      items = parseBatchJsonl(Buffer.from(bytes).toString('utf8'), record.name);
      input = { kind: 'file', fileName: record.name };
    }
    const model = parseModelMethodPath((request.params as { '*': string })['*'])?.model ?? ctx.entry.definition.id;
    const now = service.clock.now();
    const job: BatchJob = {
      // Lowercase letters and digits, like Google's batch ids, so `files/batch-<id>` is a valid File id.
      id: `${randomFileId()}${randomFileId()}`,
      owner: request.caller.id,
      caller: request.caller,
      model: model.replace(/^models\//, ''),
      kind,
      ...(parsed.displayName !== undefined ? { displayName: parsed.displayName } : {}),
      ...(parsed.priority ? { priority: parsed.priority } : {}),
      state: 'pending',
      createTime: now,
      updateTime: now,
      input,
    };
    await service.store.create(job, items);
    service.worker.notify();
    return toBatchOperation(job, { total: items.length, succeeded: 0, failed: 0, pending: items.length }, undefined);
  };
}

/**
 * The batches collection, each call on the caller's own jobs only (`request.caller.id`; someone
 * else's job answers as a missing one):
 * - `GET /{version}/batches?pageSize=&pageToken=` → `{operations, nextPageToken?}`, newest first;
 * - `GET /{version}/batches/{id}` → the Operation;
 * - `POST /{version}/batches/{id}:cancel` → `{}`: pending requests never run, finished results
 *   are kept, the state becomes CANCELLED (a job already over is left as it is);
 * - `DELETE /{version}/batches/{id}` → `{}`: the job and its results are gone. Google's delete
 *   "does not cancel the operation"; here nothing is left to report to, so its pending requests
 *   simply never run.
 *
 * A job read past its maximum age (batch-expiry.ts) is expired first, so it reads as EXPIRED
 * from that moment rather than from the worker's next sweep.
 */
export function registerBatches(app: FastifyInstance, service: BatchService): void {
  const { store, worker } = service;
  const owned = async (request: FastifyRequest, id: string): Promise<BatchJob> => {
    const job = /^[a-z0-9]{1,64}$/.test(id) ? await store.get(id) : undefined;
    if (!job || job.owner !== request.caller.id) throw Errors.batchNotFound();
    return job;
  };
  /** The job as it is now: expired first if it is past its age. */
  const current = async (job: BatchJob): Promise<BatchJob> => ((await worker.expireIfOverdue(job)) ? (await store.get(job.id)) ?? job : job);
  const operationOf = async (job: BatchJob) => toBatchOperation(job, await store.counts(job.id), await store.items(job.id));

  for (const version of API_VERSIONS) {
    app.get(`/${version}/batches`, async (request): Promise<ListBatchesResponse> => {
      const q = request.query as Record<string, unknown>;
      const size = pageSizeOf(queryValue(q.pageSize ?? q.page_size), { defaultSize: DEFAULT_BATCHES_PAGE_SIZE, maxSize: MAX_BATCHES_PAGE_SIZE });
      const after = positionOf(queryValue(q.pageToken ?? q.page_token));
      // One more than the page, to know whether another page follows.
      const listed = await store.list(request.caller.id, { ...(after !== undefined ? { after } : {}), limit: size + 1 });
      const page = await Promise.all(listed.slice(0, size).map((l) => current(l.job)));
      const body: ListBatchesResponse = { operations: await Promise.all(page.map(operationOf)) };
      if (listed.length > size) body.nextPageToken = Buffer.from(`p${listed[size - 1].position}`).toString('base64url');
      return body;
    });
    app.get(`/${version}/batches/*`, async (request) => operationOf(await current(await owned(request, idOf(request)))));
    app.post(`/${version}/batches/*`, async (request) => {
      const rest = (request.params as { '*': string })['*'];
      const m = /^([^/:]+):cancel$/.exec(rest);
      if (!m) throw Errors.notFound(request.url.split('?')[0]);
      // An expired job is over: cancelling it changes nothing.
      const job = await current(await owned(request, m[1]));
      if (job.state === 'pending' || job.state === 'running') await worker.cancel(job);
      return {};
    });
    app.delete(`/${version}/batches/*`, async (request) => {
      const job = await owned(request, idOf(request));
      await store.delete(job.id);
      return {};
    });
  }
}

function idOf(request: FastifyRequest): string {
  return (request.params as { '*': string })['*'];
}

/**
 * Page tokens are opaque: base64url of the store's position of the last job listed, so the next
 * page starts right after it whatever was created or deleted meanwhile (nothing repeats, nothing
 * is skipped).
 */
function positionOf(v: unknown): number | undefined {
  if (v === undefined || v === '') return undefined;
  const m = typeof v === 'string' ? /^p(\d{1,15})$/.exec(Buffer.from(v, 'base64url').toString('latin1')) : null;
  if (!m) throw Errors.invalidArgument('Invalid page token.', 'page_token');
  return Number(m[1]);
}
