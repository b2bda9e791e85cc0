import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { BatchService } from '../batch/batch-service.js';
import type { GenerationService } from '../generation/generation-service.js';
import type { ModelCall } from '../generation/generation-call.js';
import { arrivalOf } from './mark-arrival.js';

/** What a model method handler (`…/models/{id}:{method}`) is given once the route is resolved. */
export interface MethodContext {
  request: FastifyRequest;
  reply: FastifyReply;
  /** The resolved model. */
  entry: CatalogEntry;
  /** The model id as the client named it, without `models/`. */
  model: string;
  /** The method as called (`generateContent`, …). */
  method: string;
  /** `v1beta`, `v1` or `v1alpha`, as in the path. */
  apiVersion: string;
  /** The generation pipeline every model method runs through. */
  service: GenerationService;
  /** The Batch API's jobs and worker (routes/batches.ts); absent, the batch methods are 404 like unknown ones. */
  batches?: BatchService;
}

/** A model method's handler: returns the JSON body, or nothing when it wrote the reply itself. */
export type MethodHandler = (ctx: MethodContext) => Promise<unknown>;

/** The call a model method makes of the generation service: the request's caller, model, body and client, aborted by `signal`. */
export function callOf(ctx: MethodContext, signal: AbortSignal): ModelCall {
  const header = ctx.request.headers['x-goog-api-client'];
  return {
    caller: ctx.request.caller,
    model: ctx.entry,
    requestedModel: ctx.model,
    method: ctx.method,
    signal,
    body: ctx.request.body,
    apiClient: (Array.isArray(header) ? header[0] : header) ?? '',
    arrivedAt: arrivalOf(ctx.request),
  };
}
