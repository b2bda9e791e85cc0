/**
 * The error catalog: every error gemserve raises on purpose is a `GemserveError` made by one
 * of the factories below, each with a stable `code`, a Google canonical status, a user-or-system
 * kind and a retryable flag. `src/http/error-envelope.ts` is the one place that turns them into
 * Google's `{"error":{code,message,status,details}}` body.
 *
 * Messages copy Google's own texts where Google has one (sources in shared/docs/GEMINI-API.md §3).
 */

/** google.rpc.Code names and the HTTP status Google maps each to. */
export const GOOGLE_STATUS_HTTP = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ABORTED: 409,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
} as const;

export type GoogleStatus = keyof typeof GOOGLE_STATUS_HTTP;

export type ErrorDetail = Record<string, unknown> & { '@type': string };

export interface GemserveErrorInit {
  /** Stable identifier, e.g. `MODEL_NOT_FOUND`; never changes once published. */
  code: string;
  status: GoogleStatus;
  message: string;
  /** `user`: the request is at fault; `system`: gemserve or an engine is. */
  kind: 'user' | 'system';
  retryable: boolean;
  details?: ErrorDetail[];
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class GemserveError extends Error {
  readonly code: string;
  readonly status: GoogleStatus;
  readonly kind: 'user' | 'system';
  readonly retryable: boolean;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(init: GemserveErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GemserveError';
    this.code = init.code;
    this.status = init.status;
    this.kind = init.kind;
    this.retryable = init.retryable;
    this.details = init.details ?? [];
    this.headers = init.headers ?? {};
  }

  get httpStatus(): number {
    return GOOGLE_STATUS_HTTP[this.status];
  }
}

export function isGemserveError(e: unknown): e is GemserveError {
  return e instanceof GemserveError;
}

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const LOCALIZED_MESSAGE = 'type.googleapis.com/google.rpc.LocalizedMessage';
const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const HELP = 'type.googleapis.com/google.rpc.Help';

/** Where Google's quota errors point (the `Help` link and the message of its 429). */
const RATE_LIMITS_DOC = 'https://ai.google.dev/gemini-api/docs/rate-limits';

/** One quota a request went over: a `google.rpc.QuotaFailure` violation as Google fills it. */
export interface QuotaViolation {
  /** e.g. `generativelanguage.googleapis.com/generate_content_requests`. */
  quotaMetric: string;
  /** e.g. `GenerateRequestsPerMinutePerProjectPerModel`; `PerMinute` / `PerDay` tell clients how long to wait. */
  quotaId: string;
  /** The model id, without `models/`. */
  model: string;
  /** The limit that was reached. */
  limit: number;
}

/**
 * Milliseconds as a google.protobuf.Duration in JSON: seconds with 0 or 3 fractional digits
 * (`"23s"`, `"23.450s"`), the form of `RetryInfo.retryDelay`.
 */
export function formatDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  return whole % 1000 === 0 ? `${whole / 1000}s` : `${(whole / 1000).toFixed(3)}s`;
}

function user(code: string, status: GoogleStatus, message: string, extra: Partial<GemserveErrorInit> = {}) {
  return new GemserveError({ code, status, message, kind: 'user', retryable: false, ...extra });
}

/** The catalog. Each factory documents when it is used. */
export const Errors = {
  /** A request field is malformed or out of range. `field` is the proto (snake_case) path. */
  invalidArgument(message: string, field?: string): GemserveError {
    const details: ErrorDetail[] = field
      ? [{ '@type': BAD_REQUEST, fieldViolations: [{ field, description: message }] }]
      : [];
    return user('INVALID_ARGUMENT', 'INVALID_ARGUMENT', message, { details });
  },

  /** The body is not JSON at all. Google's text begins the same way. */
  malformedJson(reason: string): GemserveError {
    return user('MALFORMED_JSON', 'INVALID_ARGUMENT', `Invalid JSON payload received. ${reason}`);
  },

  /** The body exceeds the server's request size limit. */
  payloadTooLarge(limitBytes: number): GemserveError {
    return user(
      'PAYLOAD_TOO_LARGE',
      'INVALID_ARGUMENT',
      `Request payload size exceeds the limit: ${limitBytes} bytes.`,
    );
  },

  /** Google's exact text for an unknown model or a method the model does not support. */
  modelNotFound(model: string, apiVersion: string, method: string): GemserveError {
    const name = model.startsWith('models/') ? model : `models/${model}`;
    return user(
      'MODEL_NOT_FOUND',
      'NOT_FOUND',
      `${name} is not found for API version ${apiVersion}, or is not supported for ${method}. ` +
        'Call ListModels to see the list of available models and their supported methods.',
    );
  },

  /** No route matches the path. */
  notFound(path: string): GemserveError {
    return user('NOT_FOUND', 'NOT_FOUND', `The requested URL ${path} was not found on this server.`);
  },

  /**
   * A media part (`inlineData`/`fileData`) is wrong: bad base64, a MIME type gemserve does not take
   * or that its bytes contradict, undecodable, too large or too long. `field` is the part's proto
   * path (`contents[0].parts[1].inline_data`), which the message starts with.
   */
  invalidMedia(field: string, reason: string): GemserveError {
    const message = `${field}: ${reason}`;
    return user('INVALID_MEDIA', 'INVALID_ARGUMENT', message, {
      details: [{ '@type': BAD_REQUEST, fieldViolations: [{ field, description: message }] }],
    });
  },

  /** A media part needs a tool this server lacks (e.g. a speech recogniser): a 400 saying what to install, never silence. */
  mediaToolMissing(field: string, need: string, tool: string, packages: string): GemserveError {
    return new GemserveError({
      code: 'MEDIA_TOOL_MISSING',
      status: 'FAILED_PRECONDITION',
      message: `${field}: ${need} needs ${tool}, which is not installed on this server (Debian: apt-get install ${packages}).`,
      kind: 'system',
      retryable: false,
    });
  },

  /** The model exists but its bound engine cannot do what was asked (never silently downgraded). */
  capabilityUnsupported(model: string, capability: string): GemserveError {
    return user(
      'CAPABILITY_UNSUPPORTED',
      'INVALID_ARGUMENT',
      `${capability} is not supported by models/${model} on this server: the engine bound to it cannot do it.`,
    );
  },

  /** No API key on a server that requires one (Google's text). */
  apiKeyMissing(): GemserveError {
    return user(
      'API_KEY_MISSING',
      'PERMISSION_DENIED',
      "Method doesn't allow unregistered callers (callers without established identity). " +
        'Please use API Key or other form of API consumer identity to call this API.',
    );
  },

  /** An API key that is not configured: 400, not 403, as Google answers. */
  apiKeyInvalid(): GemserveError {
    const message = 'API key not valid. Please pass a valid API key.';
    return user('API_KEY_INVALID', 'INVALID_ARGUMENT', message, {
      details: [
        {
          '@type': ERROR_INFO,
          reason: 'API_KEY_INVALID',
          domain: 'googleapis.com',
          metadata: { service: 'generativelanguage.googleapis.com' },
        },
        { '@type': LOCALIZED_MESSAGE, locale: 'en-US', message },
      ],
    });
  },

  /**
   * A rate limit or quota is used up: Google's 429 (real bodies in GEMINI-API.md §3; current shape
   * from browserbase/mcp-server-browserbase#129 and continuedev/continue#10280): its message with a
   * line per violated quota and "Please retry in …", then `Help`, `QuotaFailure` and `RetryInfo`
   * details in Google's order. `retryDelayMs` is the exact wait until the request would be
   * admitted; the `Retry-After` header says it in whole seconds, rounded up.
   */
  quotaExceeded(violations: readonly QuotaViolation[], retryDelayMs: number): GemserveError {
    const delay = formatDuration(retryDelayMs);
    const lines = violations.map((v) => `* Quota exceeded for metric: ${v.quotaMetric}, limit: ${v.limit}, model: ${v.model}\n`);
    return new GemserveError({
      code: 'QUOTA_EXCEEDED',
      status: 'RESOURCE_EXHAUSTED',
      message:
        'You exceeded your current quota, please check your plan and billing details. ' +
        `For more information on this error, head to: ${RATE_LIMITS_DOC}. \n${lines.join('')}Please retry in ${delay}.`,
      kind: 'user',
      retryable: true,
      details: [
        { '@type': HELP, links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMITS_DOC }] },
        {
          '@type': QUOTA_FAILURE,
          violations: violations.map((v) => ({
            quotaMetric: v.quotaMetric,
            quotaId: v.quotaId,
            quotaDimensions: { location: 'global', model: v.model },
            quotaValue: String(v.limit),
          })),
        },
        { '@type': RETRY_INFO, retryDelay: delay },
      ],
      headers: { 'retry-after': String(Math.max(1, Math.ceil(retryDelayMs / 1000))) },
    });
  },

  /**
   * A key (or JWT) restricted to some models asked for another. Google has no per-model key
   * restriction, so no text to copy; its restricted keys answer 403 PERMISSION_DENIED, as this does.
   */
  modelNotAllowed(model: string): GemserveError {
    const name = model.startsWith('models/') ? model : `models/${model}`;
    return user('MODEL_NOT_ALLOWED', 'PERMISSION_DENIED', `This API key is not allowed to use ${name}. Use a model the key allows, or ask the server's administrator to allow this one.`, {
      details: [{ '@type': ERROR_INFO, reason: 'API_KEY_MODEL_NOT_ALLOWED', domain: 'gemserve', metadata: { model: name } }],
    });
  },

  /** The admin API without the admin credential (`Authorization: Bearer <admin key>`), or with a wrong one. */
  adminUnauthenticated(): GemserveError {
    return user(
      'ADMIN_UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'Request had invalid authentication credentials. The admin API expects the admin key as "Authorization: Bearer <admin key>".',
      { headers: { 'www-authenticate': 'Bearer realm="gemserve-admin"' } },
    );
  },

  /** A managed API key id the store does not have (admin API, `gemserve keys`). */
  keyNotFound(id: string): GemserveError {
    return user('KEY_NOT_FOUND', 'NOT_FOUND', `API key ${id} not found.`);
  },

  /** Rotating or changing a revoked key: revocation is final. */
  keyRevoked(id: string): GemserveError {
    return user('KEY_REVOKED', 'FAILED_PRECONDITION', `API key ${id} is revoked; create a new key instead.`);
  },

  /** The scheduler's queue is full: Google's overload text, retryable. */
  overloaded(): GemserveError {
    return new GemserveError({
      code: 'OVERLOADED',
      status: 'UNAVAILABLE',
      message: 'The model is overloaded. Please try again later.',
      kind: 'system',
      retryable: true,
    });
  },

  /** The model is still loading or failed to load. */
  modelUnavailable(model: string, reason: string): GemserveError {
    return new GemserveError({
      code: 'MODEL_UNAVAILABLE',
      status: 'UNAVAILABLE',
      message: `models/${model} is not available: ${reason}`,
      kind: 'system',
      retryable: true,
    });
  },

  /** The client's deadline (X-Server-Timeout) passed. */
  deadlineExceeded(): GemserveError {
    return new GemserveError({
      code: 'DEADLINE_EXCEEDED',
      status: 'DEADLINE_EXCEEDED',
      message: 'Deadline expired before operation could complete.',
      kind: 'system',
      retryable: true,
    });
  },

  /** The client went away; never sent (there is nobody to send it to) but ends work cleanly. */
  cancelled(): GemserveError {
    return user('CANCELLED', 'CANCELLED', 'The operation was cancelled.');
  },

  /** Anything unexpected. Google's text; the cause is logged, never sent. */
  internal(cause?: unknown): GemserveError {
    return new GemserveError({
      code: 'INTERNAL',
      status: 'INTERNAL',
      message:
        'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      kind: 'system',
      retryable: true,
      cause,
    });
  },

  /**
   * `GET /v1beta/models/{id}` for an unknown model. Google's text differs from the method 404
   * (observed: "Model is not found: models/invalid-model for api version v1beta").
   */
  modelGetNotFound(model: string, apiVersion: string): GemserveError {
    const name = model.startsWith('models/') ? model : `models/${model}`;
    return user('MODEL_NOT_FOUND', 'NOT_FOUND', `Model is not found: ${name} for api version ${apiVersion}`);
  },

  /** A `cachedContent` name that does not exist: Google answers 403, not 404 (observed text). */
  cachedContentNotFound(): GemserveError {
    return user('CACHED_CONTENT_NOT_FOUND', 'PERMISSION_DENIED', 'CachedContent not found (or permission denied)');
  },

  /**
   * A generate request naming a `cachedContent` also sets systemInstruction, tools or
   * toolConfig: they belong in the cache. Google's current text, quoted from live 400s in
   * 567-labs/instructor#2582 (2026-08); it replaced "CachedContent can not be used with
   * GenerateContent request setting system_instruction, tools or tool_config." (vercel/ai#3333).
   */
  cachedContentConflict(): GemserveError {
    return user('CACHED_CONTENT_CONFLICT', 'INVALID_ARGUMENT',
      'Tool config, tools and system instruction should not be set in the request when using cached content.');
  },

  /** The request's model is not the cache's (Google's text, as quoted in public reports). */
  cachedContentModelMismatch(requestModel: string, cacheModel: string): GemserveError {
    return user('CACHED_CONTENT_MODEL_MISMATCH', 'INVALID_ARGUMENT',
      `Model used by GenerateContent request (models/${requestModel}) and CachedContent (models/${cacheModel}) has to be the same.`);
  },

  /** A cache below the minimum size (Google's text, e.g. zyddnys/manga-image-translator#929, BerriAI/litellm#17696). */
  cachedContentTooSmall(totalTokens: number, minTokens: number): GemserveError {
    return user('CACHED_CONTENT_TOO_SMALL', 'INVALID_ARGUMENT',
      `Cached content is too small. total_token_count=${totalTokens}, min_total_token_count=${minTokens}`);
  },

  /**
   * A File that does not exist, has expired or belongs to another caller: Google answers all
   * three with this 403 (googleapis/python-genai#1218; the same text for a made-up id
   * `doesnotexist1` in public client tests), so existence is never revealed. `id` is the bare id.
   */
  fileNotFound(id: string): GemserveError {
    return user(
      'FILE_NOT_FOUND',
      'PERMISSION_DENIED',
      `You do not have permission to access the File ${id} or it may not exist.`,
    );
  },

  /**
   * A batch (`batches/<id>`) that does not exist, was deleted or belongs to another caller: one
   * answer for all three, so existence is never revealed; Google's generic text for a missing
   * resource.
   */
  batchNotFound(): GemserveError {
    return user('BATCH_NOT_FOUND', 'NOT_FOUND', 'Requested entity was not found.');
  },

  /** An upload asking for a File name its caller already uses (google.rpc ALREADY_EXISTS). */
  fileAlreadyExists(name: string): GemserveError {
    return user('FILE_ALREADY_EXISTS', 'ALREADY_EXISTS', `File ${name} already exists.`);
  },

  /** An `upload_id` that never existed, was finished or cancelled, or expired unused. */
  uploadNotFound(): GemserveError {
    return user(
      'UPLOAD_NOT_FOUND',
      'NOT_FOUND',
      'No such upload session: the upload_id is unknown, already finalized or cancelled, or expired. Start a new upload.',
    );
  },

  /**
   * A bad resumable-upload chunk (wrong offset, more bytes than announced, a final size other
   * than the announced one). The headers tell the client how much the server has, as the
   * resumable protocol's `query` command would (GEMINI-API.md §1.4).
   */
  uploadRejected(message: string, receivedBytes: number): GemserveError {
    return user('UPLOAD_REJECTED', 'INVALID_ARGUMENT', message, {
      headers: { 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': String(receivedBytes) },
    });
  },

  /** The server is up but not ready to serve (models still loading): `/healthz` says 503. */
  notReady(): GemserveError {
    return new GemserveError({
      code: 'NOT_READY',
      status: 'UNAVAILABLE',
      message: 'The service is currently unavailable.',
      kind: 'system',
      retryable: true,
    });
  },

  /** A model file that is missing, truncated or not GGUF: a startup error with a clear reason. */
  badModelFile(path: string, reason: string): GemserveError {
    return new GemserveError({
      code: 'BAD_MODEL_FILE',
      status: 'FAILED_PRECONDITION',
      message: `Cannot load model file ${path}: ${reason}`,
      kind: 'system',
      retryable: false,
    });
  },

  /**
   * An upstream engine (gemini-upstream, openai-compatible) refused the request with a client
   * error: its Google status and message pass through unchanged (with Google's `details`, e.g.
   * RetryInfo on a 429), so our client sees what the upstream said. RESOURCE_EXHAUSTED is
   * retryable; the other 4xx are not.
   */
  upstreamRejected(status: GoogleStatus, message: string, details: ErrorDetail[] = [], headers: Record<string, string> = {}): GemserveError {
    return new GemserveError({
      code: 'UPSTREAM_REJECTED',
      status,
      message,
      kind: 'user',
      retryable: status === 'RESOURCE_EXHAUSTED',
      details,
      headers,
    });
  },

  /** An upstream kept failing (5xx, refused or dropped connections) through every retry. */
  upstreamUnavailable(upstream: string, reason: string): GemserveError {
    return new GemserveError({
      code: 'UPSTREAM_UNAVAILABLE',
      status: 'UNAVAILABLE',
      message: `The upstream ${upstream} is unavailable: ${reason}`,
      kind: 'system',
      retryable: true,
    });
  },

  /** An upstream did not answer (or went silent mid-stream) within its timeout, through every retry. */
  upstreamTimeout(upstream: string, timeoutMs: number): GemserveError {
    return new GemserveError({
      code: 'UPSTREAM_TIMEOUT',
      status: 'DEADLINE_EXCEEDED',
      message: `The upstream ${upstream} did not answer within ${timeoutMs} ms.`,
      kind: 'system',
      retryable: true,
    });
  },

  /** An upstream sent something that is not its protocol (a stream chunk that is not JSON, a body of the wrong shape). */
  upstreamMalformed(upstream: string, reason: string): GemserveError {
    return new GemserveError({
      code: 'UPSTREAM_MALFORMED',
      status: 'INTERNAL',
      message: `The upstream ${upstream} sent a malformed response: ${reason}`,
      kind: 'system',
      retryable: true,
    });
  },

  /** The circuit breaker in front of an upstream is open: fail fast until its cool-down ends. */
  circuitOpen(upstream: string, retryAfterMs: number): GemserveError {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return new GemserveError({
      code: 'CIRCUIT_OPEN',
      status: 'UNAVAILABLE',
      message: `The upstream ${upstream} is failing; requests to it are paused for ${seconds} s. Please try again later.`,
      kind: 'system',
      retryable: true,
      headers: { 'retry-after': String(seconds) },
    });
  },
} as const;

/** Wraps anything thrown into a GemserveError (unknown errors become INTERNAL). */
export function toGemserveError(e: unknown): GemserveError {
  return isGemserveError(e) ? e : Errors.internal(e);
}
