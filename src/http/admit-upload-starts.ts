import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { Errors } from '../core/errors.js';
import type { RateLimiter } from '../gateway/limits/rate-limiter.js';
import { header } from './parse-upload-start.js';

/** The resumable upload route's path (routes/upload.ts), whatever the mount prefix. */
const UPLOAD_ROUTE = /\/upload\/v1beta\/files$/;

/**
 * The `onRequest` hook that counts each Files upload `start` as a request of its caller under the
 * Files quota (`RateLimiter.admitFileUpload`, `--files-rpm`), after the key is checked and before
 * the start's metadata is read: over the quota, Google's 429 RESOURCE_EXHAUSTED with QuotaFailure
 * and RetryInfo, and nothing counted. The chunks of a started upload (`?upload_id=`, authorised by
 * the session, routes/upload.ts) are not counted: the session was admitted.
 */
export function admitUploadStarts(limits: RateLimiter): onRequestHookHandler {
  return async function admitUploadStart(request) {
    if (request.method !== 'POST' || !UPLOAD_ROUTE.test(request.routeOptions.url ?? '') || !isStart(request)) return;
    const admission = await limits.admitFileUpload(request.caller);
    if (!admission.admitted) throw Errors.quotaExceeded(admission.violations, admission.retryAfterMs);
  };
}

function isStart(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  if (typeof query?.upload_id === 'string' && query.upload_id !== '') return false;
  return header(request.headers, 'x-goog-upload-command')?.trim().toLowerCase() === 'start';
}
