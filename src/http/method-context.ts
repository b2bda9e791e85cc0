import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { CodeRunner } from '../core/code-runner.js';
import type { PromptBlocklist } from '../core/prompt-blocklist.js';
import type { ResponseCaching } from '../gateway/cache/response-caching.js';
import type { UsageSink } from '../gateway/usage-record.js';
import type { FileService } from '../storage/files/file-service.js';
import type { BatchService } from './batch/batch-service.js';
import type { CachedContentsConfig } from './cached-contents-config.js';

/** What a model method handler (`…/models/{id}:{method}`) is given once the route is resolved. */
export interface MethodContext {
  request: FastifyRequest;
  reply: FastifyReply;
  /** The resolved model. */
  entry: CatalogEntry;
  /** `v1beta`, `v1` or `v1alpha`, as in the path. */
  apiVersion: string;
  /** The Files API, for `fileData` parts; absent when the server has none. */
  files?: FileService;
  /** The server's prompt blocklist; absent when none is configured. */
  blocklist?: PromptBlocklist;
  /** The sandbox for the code-execution tool; absent, the tool is refused. */
  codeRunner?: CodeRunner;
  /** The response cache (start-generation.ts); absent, every request runs the engine. */
  responseCache?: ResponseCaching;
  /** Receive the UsageRecord of every model method call (meter-generation.ts); absent, nothing is metered. */
  usageSinks?: UsageSink[];
  /** Context caching (apply-cached-content.ts); absent, every `cachedContent` is Google's 403. */
  cachedContents?: CachedContentsConfig;
  /** The Batch API's jobs and worker (routes/batches.ts); absent, the batch methods are 404 like unknown ones. */
  batches?: BatchService;
}

/** The server's services a method may use, as `createApp` hands them over. */
export type MethodServices = Pick<MethodContext, 'files' | 'blocklist' | 'codeRunner' | 'responseCache' | 'usageSinks' | 'cachedContents' | 'batches'>;

/** A model method's handler: returns the JSON body, or nothing when it wrote the reply itself. */
export type MethodHandler = (ctx: MethodContext) => Promise<unknown>;
