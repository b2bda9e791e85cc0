import type { FastifyReply } from 'fastify';
import type { ErrorBody } from '../api/gemini/types.js';
import { Errors, isGemserveError, type GemserveError } from '../core/errors.js';

/** An error as it goes on the wire: HTTP status, extra headers and Google's body. */
export interface ErrorEnvelope {
  statusCode: number;
  headers: Record<string, string>;
  body: ErrorBody;
}

/** What the mapper needs to know about the server to word framework errors. */
export interface ErrorContext {
  bodyLimitBytes: number;
}

/**
 * The one mapping from anything thrown to a `GemserveError`: catalog errors pass through,
 * Fastify's own client errors (body too large, bad URL, ...) become their Google equivalents,
 * and everything else is INTERNAL with Google's text (the cause stays in `cause`, for the log).
 */
export function toWireError(e: unknown, ctx: ErrorContext): GemserveError {
  if (isGemserveError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  const statusCode = (e as { statusCode?: unknown } | null)?.statusCode;
  // Google answers an oversized body with 400 INVALID_ARGUMENT, not 413 (Errors.payloadTooLarge).
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return Errors.payloadTooLarge(ctx.bodyLimitBytes);
  if (typeof code === 'string' && code.startsWith('FST_') && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return Errors.invalidArgument((e as Error).message);
  }
  return Errors.internal(e);
}

/** Error codes of a connection the client closed or reset (Node's `abortIncoming` raises ECONNRESET "aborted"). */
const CLIENT_GONE_CODES = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * Whether `e` only says that the client went away (disconnected mid-body or mid-response):
 * nothing is wrong with the server and nobody is left to answer, so it is logged at info,
 * not as a fault. A body shorter than its Content-Length counts when the request was cut off.
 */
export function isClientAbort(e: unknown, request: { aborted?: boolean; complete?: boolean; socket?: { destroyed?: boolean } | null }): boolean {
  if (isGemserveError(e)) return false;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CLIENT_GONE_CODES.has(code)) return true;
  return code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' && request.complete !== true && request.socket?.destroyed === true;
}

/**
 * A `GemserveError` → `{"error":{"code","message","status","details"?}}` (google.rpc.Status as
 * Google serialises it, cloud.google.com/apis/design/errors; `details` only when non-empty, as
 * proto3 JSON omits empty lists). `error` is the first key, which the Python SDK relies on for
 * in-band stream errors (`chunk_dump.startswith('{"error":')` in python-genai
 * google/genai/_api_client.py).
 */
export function toErrorEnvelope(e: GemserveError): ErrorEnvelope {
  const body: ErrorBody = { error: { code: e.httpStatus, message: e.message, status: e.status } };
  if (e.details.length > 0) body.error.details = e.details;
  return { statusCode: e.httpStatus, headers: e.headers, body };
}

/** Sends an error as a normal (non-streamed) JSON response. */
export function sendError(reply: FastifyReply, e: GemserveError): FastifyReply {
  const envelope = toErrorEnvelope(e);
  return reply
    .code(envelope.statusCode)
    .headers(envelope.headers)
    .type('application/json; charset=UTF-8')
    .send(envelope.body);
}
