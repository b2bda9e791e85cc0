import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { FileService } from '../storage/files/file-service.js';

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
}

/** A model method's handler: returns the JSON body, or nothing when it wrote the reply itself. */
export type MethodHandler = (ctx: MethodContext) => Promise<unknown>;
