/**
 * The error catalog: every error gemserve raises on purpose is a `GemserveError` with a stable
 * {@link ErrorCode}. {@link ERROR_CATALOG} is the data, keyed by the code (as fastify's
 * `lib/errors.js` keys its errors): each code's Google canonical status, user-or-system kind,
 * retryable flag and when it is used, written once. The `Errors.*` factories below build the
 * errors from it, adding only the message and its details. `src/http/error-envelope.ts` is the
 * one place that turns them into Google's `{"error":{code,message,status,details}}` body, and
 * `docs/errors.md` is generated from this file (`npm run docs:generate`).
 *
 * Messages copy Google's own texts where Google has one: the Gemini API's error table
 * (https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes) and the texts of real
 * responses quoted in public reports, cited on each factory. The error model, its statuses
 * and its detail types are Google's (https://cloud.google.com/apis/design/errors).
 */

/**
 * google.rpc.Code names and the HTTP status Google maps each to, as listed in
 * googleapis/googleapis `google/rpc/code.proto` and https://cloud.google.com/apis/design/errors#handling_errors
 * (CANCELLED is 499, "Client Closed Request").
 */
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

/** `user`: the request is at fault; `system`: gemserve, an engine or an upstream is. */
export type ErrorKind = 'user' | 'system';

/**
 * The status of a code whose errors carry the status an upstream engine answered with
 * (UPSTREAM_REJECTED): the catalog cannot fix it, the factory passes it on.
 */
export const FROM_UPSTREAM = 'FROM_UPSTREAM';

/** What the catalog says about one error code. */
export interface ErrorSpec {
  /** The canonical status its errors are sent with, or {@link FROM_UPSTREAM}. */
  status: GoogleStatus | typeof FROM_UPSTREAM;
  kind: ErrorKind;
  /**
   * Whether a client may send the same request again and expect it to succeed later. A list of
   * statuses: retryable only when sent with one of them (for a status from upstream).
   */
  retryable: boolean | readonly GoogleStatus[];
  /** When gemserve raises it, for `docs/errors.md` and whoever reads this table. */
  description: string;
}

/**
 * Every error code, keyed by the code. A code is stable: once published it never changes
 * meaning, because clients and metrics (usage records' `errorCode`) key on it.
 */
export const ERROR_CATALOG = {
  INVALID_ARGUMENT: {
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'A request field is malformed, missing or out of range. When one field is at fault, a `BadRequest` detail names it by its proto (snake_case) path.',
  },
  MALFORMED_JSON: {
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'The request body is not JSON at all. The message begins as Google\'s does.',
  },
  UNKNOWN_FIELD: {
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'The body has a field its message does not have (a typo such as `generation_config.max_tokens`), in any method\'s body or a batch\'s request: Google\'s text, one line and one `BadRequest` violation per unknown name. Every field of the current SDKs\' request types is known, in camelCase or snake_case; user JSON (function arguments and responses, JSON Schemas, labels) is never looked into. `--unknown-fields accept` drops such fields and logs each path once instead.',
  },
  PAYLOAD_TOO_LARGE: {
    // Google answers an oversized body with 400 INVALID_ARGUMENT, not HTTP 413.
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'The request body is larger than `--body-limit`.',
  },
  MODEL_NOT_FOUND: {
    status: 'NOT_FOUND', kind: 'user', retryable: false,
    description: 'The model id is unknown, or the model does not support the method called (e.g. `generateContent` on an embedding model); also `GET /v1beta/models/{id}` for an unknown model, with the other text Google uses there.',
  },
  NOT_FOUND: {
    status: 'NOT_FOUND', kind: 'user', retryable: false,
    description: 'No route matches the request: an unknown URL or `:method`, or an API this server does not run.',
  },
  INVALID_MEDIA: {
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'A media part (`inlineData` or `fileData`) is wrong: bad base64, a MIME type gemserve does not take or that its bytes contradict, undecodable, too large or too long. The message starts with the part\'s proto path, which a `BadRequest` detail also names.',
  },
  MEDIA_TOOL_MISSING: {
    status: 'FAILED_PRECONDITION', kind: 'system', retryable: false,
    description: 'A media part needs a tool this server lacks (e.g. the speech recogniser for audio): the message says what to install, rather than the part being silently dropped.',
  },
  CAPABILITY_UNSUPPORTED: {
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'The model exists, but the engine bound to it cannot do what the request asks (images, tools, thinking, logprobs, embeddings, ...). gemserve refuses rather than silently ignore the feature.',
  },
  API_KEY_MISSING: {
    status: 'PERMISSION_DENIED', kind: 'user', retryable: false,
    description: 'No API key on a server that requires one (`--api-key`, managed keys or `--jwt-secret`).',
  },
  API_KEY_INVALID: {
    // Google answers an unknown key with 400, not 403; the ErrorInfo reason is what SDKs match.
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'An API key the server does not accept (unknown, revoked, expired, or an old secret past its rotation grace), or a JWT that fails verification. Sent with Google\'s `ErrorInfo` (reason `API_KEY_INVALID`) and `LocalizedMessage` details.',
  },
  QUOTA_EXCEEDED: {
    status: 'RESOURCE_EXHAUSTED', kind: 'user', retryable: true,
    description: 'A rate limit (requests per minute or per day, tokens per minute) of the caller on this model is used up. Sent with Google\'s `Help`, `QuotaFailure` and `RetryInfo` details and a `Retry-After` header.',
  },
  STORAGE_QUOTA_EXCEEDED: {
    status: 'RESOURCE_EXHAUSTED', kind: 'user', retryable: false,
    description: 'An upload would take the caller\'s Files past its storage quota (`--files-quota`, Google\'s 20 GB per project) or the server past its own (`--files-max-total`): refused at the upload\'s start from its declared size, or mid-stream (the partial bytes are deleted). Sent with Google\'s `Help` and `QuotaFailure` (`file_storage_bytes`) details; deleting Files frees room.',
  },
  MODEL_NOT_ALLOWED: {
    status: 'PERMISSION_DENIED', kind: 'user', retryable: false,
    description: 'A key (or JWT) restricted to some models asked for another. Google has no per-model key restriction, so the text is gemserve\'s; the status is that of Google\'s restricted keys.',
  },
  JWT_KEYS_UNAVAILABLE: {
    status: 'UNAVAILABLE', kind: 'system', retryable: true,
    description: 'A JWT that needs the keys of `--jwt-jwks-url` while they cannot be fetched (the provider unreachable, slow, or answering something other than a JWK Set): the token may be good, so the client is told to retry (with `Retry-After`) rather than that its key is invalid.',
  },
  ORIGIN_NOT_ALLOWED: {
    status: 'PERMISSION_DENIED', kind: 'user', retryable: false,
    description: 'A browser request (or its CORS preflight) from a web origin that is neither loopback, this server itself, nor in `--allowed-origins`. gemserve\'s own text; 403 as Ollama answers a foreign `Origin` (gin-contrib/cors), so no foreign page acts on the server.',
  },
  HOST_NOT_ALLOWED: {
    status: 'PERMISSION_DENIED', kind: 'user', retryable: false,
    description: 'On a server without keys, a `Host` header that names neither the bind address, a loopback name, this machine, nor a host in `--allowed-origins`: the DNS rebinding defence Ollama added (ollama/ollama `allowedHostsMiddleware`). gemserve\'s own text.',
  },
  ADMIN_UNAUTHENTICATED: {
    status: 'UNAUTHENTICATED', kind: 'user', retryable: false,
    description: 'The admin API (`/admin/v1/...`) without the admin key as `Authorization: Bearer <admin key>`, or with a wrong one. Sent with a `WWW-Authenticate` header.',
  },
  KEY_NOT_FOUND: {
    status: 'NOT_FOUND', kind: 'user', retryable: false,
    description: 'A managed API key id the key store does not have (admin API, `gemserve keys`).',
  },
  KEY_REVOKED: {
    status: 'FAILED_PRECONDITION', kind: 'user', retryable: false,
    description: 'Rotating or changing a revoked key: revocation is final.',
  },
  OVERLOADED: {
    status: 'UNAVAILABLE', kind: 'system', retryable: true,
    description: 'Every slot of the model is busy and its queue is full (`--parallel`, `--max-queue`). Sent with a `Retry-After` header: the time the queue takes to drain, at least 1 s.',
  },
  MODEL_UNAVAILABLE: {
    status: 'UNAVAILABLE', kind: 'system', retryable: true,
    description: 'The model is still loading, failed to load, or its engine stopped (e.g. llama-server crashed too often).',
  },
  DEADLINE_EXCEEDED: {
    status: 'DEADLINE_EXCEEDED', kind: 'system', retryable: true,
    description: 'The deadline the client set with `X-Server-Timeout` passed before the answer was complete.',
  },
  CANCELLED: {
    status: 'CANCELLED', kind: 'user', retryable: false,
    description: 'The client went away. Never sent (nobody is left to read it); it ends the request\'s work cleanly and is what usage records show.',
  },
  INTERNAL: {
    status: 'INTERNAL', kind: 'system', retryable: true,
    description: 'Anything unexpected. The message is Google\'s; the cause is logged, never sent.',
  },
  CACHED_CONTENT_NOT_FOUND: {
    // Google answers a missing cache with 403, not 404.
    status: 'PERMISSION_DENIED', kind: 'user', retryable: false,
    description: 'A `cachedContents/...` name that does not exist, has expired or belongs to another caller.',
  },
  CACHED_CONTENT_CONFLICT: {
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'A generate request naming a `cachedContent` also sets `systemInstruction`, `tools` or `toolConfig`, which belong in the cache.',
  },
  CACHED_CONTENT_MODEL_MISMATCH: {
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'A generate request naming a `cachedContent` is for another model than the cache\'s.',
  },
  CACHED_CONTENT_TOO_SMALL: {
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'A context cache smaller than `--cached-content-min-tokens`.',
  },
  FILE_NOT_FOUND: {
    // One answer for missing, expired and someone else's, so existence is never revealed; Google's is a 403.
    status: 'PERMISSION_DENIED', kind: 'user', retryable: false,
    description: 'A File (`files/...`) that does not exist, has expired or belongs to another caller.',
  },
  BATCH_NOT_FOUND: {
    status: 'NOT_FOUND', kind: 'user', retryable: false,
    description: 'A batch (`batches/...`) that does not exist, was deleted or belongs to another caller: one answer for all three.',
  },
  FILE_ALREADY_EXISTS: {
    status: 'ALREADY_EXISTS', kind: 'user', retryable: false,
    description: 'An upload asks for a File name its caller already uses.',
  },
  UPLOAD_NOT_FOUND: {
    status: 'NOT_FOUND', kind: 'user', retryable: false,
    description: 'An `upload_id` that never existed, was finalized or cancelled, or expired unused.',
  },
  UPLOAD_REJECTED: {
    status: 'INVALID_ARGUMENT', kind: 'user', retryable: false,
    description: 'A bad resumable-upload chunk: wrong offset, more bytes than announced, or a final size other than the announced one. `X-Goog-Upload-Size-Received` tells the client how much the server has.',
  },
  NOT_READY: {
    status: 'UNAVAILABLE', kind: 'system', retryable: true,
    description: 'The server is up but not ready to serve (models still loading): `GET /healthz` answers 503.',
  },
  BAD_MODEL_FILE: {
    status: 'FAILED_PRECONDITION', kind: 'system', retryable: false,
    description: 'A model file that is missing, truncated or not GGUF, or a model name the pull cache does not have: a startup error with the reason.',
  },
  UPSTREAM_REJECTED: {
    status: FROM_UPSTREAM, kind: 'user', retryable: ['RESOURCE_EXHAUSTED'],
    description: 'An upstream engine (gemini-upstream, openai-compatible) refused the request with a client error (4xx): its status, message and details (e.g. `RetryInfo` on a 429) pass through unchanged.',
  },
  UPSTREAM_UNAVAILABLE: {
    status: 'UNAVAILABLE', kind: 'system', retryable: true,
    description: 'An upstream kept failing (5xx, refused or dropped connections) through every retry.',
  },
  UPSTREAM_TIMEOUT: {
    status: 'DEADLINE_EXCEEDED', kind: 'system', retryable: true,
    description: 'An upstream did not answer, or went silent mid-stream, within its timeout, through every retry.',
  },
  UPSTREAM_MALFORMED: {
    status: 'INTERNAL', kind: 'system', retryable: true,
    description: 'An upstream sent something that is not its protocol (a stream chunk that is not JSON, a body of the wrong shape).',
  },
  UPSTREAM_LIMITATION: {
    status: 'INTERNAL', kind: 'system', retryable: false,
    description: 'An upstream engine (or the llama-server child) could not serve a valid request because of its own limits: it refused it with a 4xx about itself rather than the request (llama-server\'s "Failed to initialize samplers", a grammar or JSON Schema it cannot build, a chat template it cannot render; vLLM\'s unsupported schema features; Ollama\'s "does not support tools"), or it answered a function-calling mode ANY request without a call in every way the engine may ask (the openai-compatible engine\'s `toolChoice`). The upstream\'s message is passed on; the same request to the same upstream fails the same way, and a routed model moves it to its other engines.',
  },
  CIRCUIT_OPEN: {
    status: 'UNAVAILABLE', kind: 'system', retryable: true,
    description: 'The circuit breaker in front of an upstream is open after repeated failures: requests fail fast until its cool-down ends. Sent with a `Retry-After` header.',
  },
} as const satisfies Record<string, ErrorSpec>;

/** A stable error code: a key of {@link ERROR_CATALOG}. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** The codes whose status is not fixed by the catalog but passed on from an upstream. */
export type PassThroughCode = {
  [C in ErrorCode]: (typeof ERROR_CATALOG)[C]['status'] extends typeof FROM_UPSTREAM ? C : never;
}[ErrorCode];

/** Every code, in catalog order. */
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

export type ErrorDetail = Record<string, unknown> & { '@type': string };

interface GemserveErrorFields {
  message: string;
  details?: ErrorDetail[];
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * What a `GemserveError` is made from: its code and message (status, kind and retryable come
 * from the catalog); a pass-through code also takes the status the upstream answered with.
 */
export type GemserveErrorInit = GemserveErrorFields &
  ({ code: Exclude<ErrorCode, PassThroughCode>; status?: never } | { code: PassThroughCode; status: GoogleStatus });

export class GemserveError extends Error {
  readonly code: ErrorCode;
  readonly status: GoogleStatus;
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly details: ErrorDetail[];
  readonly headers: Record<string, string>;

  constructor(init: GemserveErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    const spec: ErrorSpec = ERROR_CATALOG[init.code];
    this.name = 'GemserveError';
    this.code = init.code;
    this.status = spec.status === FROM_UPSTREAM ? (init.status as GoogleStatus) : spec.status;
    this.kind = spec.kind;
    this.retryable = typeof spec.retryable === 'boolean' ? spec.retryable : spec.retryable.includes(this.status);
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
  /** The model id, without `models/`; absent for a quota of the caller's, not of a model (Files). */
  model?: string;
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

/** Builds an error of a code whose status the catalog fixes; everything else about it comes from there. */
function make(code: Exclude<ErrorCode, PassThroughCode>, message: string, extra: Omit<GemserveErrorFields, 'message'> = {}): GemserveError {
  return new GemserveError({ code, message, ...extra });
}

/**
 * The factories: one per kind of message, each building an error of its code from the catalog.
 * Their TSDoc says where a message's text comes from; when each code is used is in
 * {@link ERROR_CATALOG}.
 */
export const Errors = {
  /** `INVALID_ARGUMENT`. `field` is the proto (snake_case) path, reported in a `BadRequest` detail. */
  invalidArgument(message: string, field?: string): GemserveError {
    const details: ErrorDetail[] = field
      ? [{ '@type': BAD_REQUEST, fieldViolations: [{ field, description: message }] }]
      : [];
    return make('INVALID_ARGUMENT', message, { details });
  },

  /** `MALFORMED_JSON`. Google's text begins the same way. */
  malformedJson(reason: string): GemserveError {
    return make('MALFORMED_JSON', `Invalid JSON payload received. ${reason}`);
  },

  /**
   * `UNKNOWN_FIELD`: Google's 400 for names a body's message does not have, one line each
   * ("Invalid JSON payload received. Unknown name \"x\" at 'generation_config': Cannot find
   * field."), each line also a `BadRequest` violation, whose `field` Google leaves out for a name
   * at the top level (the bodies quoted in google-gemini/gemini-cli#13972, decolua/9router#1876).
   */
  unknownFields(violations: readonly { field?: string; description: string }[]): GemserveError {
    const fieldViolations = violations.map((v) => (v.field ? { field: v.field, description: v.description } : { description: v.description }));
    return make('UNKNOWN_FIELD', violations.map((v) => v.description).join('\n'), { details: [{ '@type': BAD_REQUEST, fieldViolations }] });
  },

  /** `PAYLOAD_TOO_LARGE`. */
  payloadTooLarge(limitBytes: number): GemserveError {
    return make('PAYLOAD_TOO_LARGE', `Request payload size exceeds the limit: ${limitBytes} bytes.`);
  },

  /** `MODEL_NOT_FOUND` from a model method: Google's exact text for an unknown model or a method the model does not support. */
  modelNotFound(model: string, apiVersion: string, method: string): GemserveError {
    const name = model.startsWith('models/') ? model : `models/${model}`;
    return make(
      'MODEL_NOT_FOUND',
      `${name} is not found for API version ${apiVersion}, or is not supported for ${method}. ` +
        'Call ListModels to see the list of available models and their supported methods.',
    );
  },

  /** `NOT_FOUND`. */
  notFound(path: string): GemserveError {
    return make('NOT_FOUND', `The requested URL ${path} was not found on this server.`);
  },

  /** `INVALID_MEDIA`. `field` is the part's proto path (`contents[0].parts[1].inline_data`), which the message starts with. */
  invalidMedia(field: string, reason: string): GemserveError {
    const message = `${field}: ${reason}`;
    return make('INVALID_MEDIA', message, {
      details: [{ '@type': BAD_REQUEST, fieldViolations: [{ field, description: message }] }],
    });
  },

  /** `MEDIA_TOOL_MISSING`: says what to install, never silence. */
  mediaToolMissing(field: string, need: string, tool: string, packages: string): GemserveError {
    return make(
      'MEDIA_TOOL_MISSING',
      `${field}: ${need} needs ${tool}, which is not installed on this server (Debian: apt-get install ${packages}).`,
    );
  },

  /** `CAPABILITY_UNSUPPORTED`: never silently downgraded. */
  capabilityUnsupported(model: string, capability: string): GemserveError {
    return make(
      'CAPABILITY_UNSUPPORTED',
      `${capability} is not supported by models/${model} on this server: the engine bound to it cannot do it.`,
    );
  },

  /**
   * `CAPABILITY_UNSUPPORTED` for a tool Google runs on its own side (Search and Maps grounding,
   * URL context, File Search, computer use, MCP servers: Google calls them, the model never
   * does): no engine lacks it, this server does not run it.
   */
  hostedToolUnsupported(tool: string): GemserveError {
    return make('CAPABILITY_UNSUPPORTED', `${tool} is a tool Google runs on its own side; this server does not run it.`);
  },

  /** `ORIGIN_NOT_ALLOWED`: gemserve's text, naming the setting that allows the origin. */
  originNotAllowed(origin: string): GemserveError {
    return make('ORIGIN_NOT_ALLOWED', `Origin ${JSON.stringify(origin)} is not allowed to call this server; allow it with --allowed-origins.`);
  },

  /** `HOST_NOT_ALLOWED`: gemserve's text; a server without keys answers only to names of its own. */
  hostNotAllowed(host: string): GemserveError {
    return make(
      'HOST_NOT_ALLOWED',
      `Host ${JSON.stringify(host)} is not a name of this server. A server without API keys answers only to its own address, ` +
        'localhost and hosts in --allowed-origins.',
    );
  },

  /** `API_KEY_MISSING`: Google's text (googleapis/js-genai#898). */
  apiKeyMissing(): GemserveError {
    return make(
      'API_KEY_MISSING',
      "Method doesn't allow unregistered callers (callers without established identity). " +
        'Please use API Key or other form of API consumer identity to call this API.',
    );
  },

  /**
   * `API_KEY_INVALID`: Google's text and details, as its answer to a bad key shows them
   * (continuedev/continue#8516).
   */
  apiKeyInvalid(): GemserveError {
    const message = 'API key not valid. Please pass a valid API key.';
    return make('API_KEY_INVALID', message, {
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
   * `JWT_KEYS_UNAVAILABLE`: Google's 503 text, with `Retry-After` (RFC 9110 §10.2.3) in whole
   * seconds, at least 1.
   */
  jwtKeysUnavailable(retryAfterMs: number): GemserveError {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return make('JWT_KEYS_UNAVAILABLE', 'The service is currently unavailable.', { headers: { 'retry-after': String(seconds) } });
  },

  /**
   * `QUOTA_EXCEEDED`: Google's 429 (https://ai.google.dev/gemini-api/docs/rate-limits; real bodies
   * in googleapis/python-genai#2044, current shape from browserbase/mcp-server-browserbase#129
   * and continuedev/continue#10280): its message with a line per violated quota and "Please retry
   * in …", then `Help`, `QuotaFailure` and `RetryInfo` details in Google's order. `retryDelayMs`
   * is the exact wait until the request would be admitted; the `Retry-After` header says it in
   * whole seconds, rounded up.
   */
  quotaExceeded(violations: readonly QuotaViolation[], retryDelayMs: number): GemserveError {
    const delay = formatDuration(retryDelayMs);
    const lines = violations.map((v) => `* Quota exceeded for metric: ${v.quotaMetric}, limit: ${v.limit}${v.model !== undefined ? `, model: ${v.model}` : ''}\n`);
    return make(
      'QUOTA_EXCEEDED',
      'You exceeded your current quota, please check your plan and billing details. ' +
        `For more information on this error, head to: ${RATE_LIMITS_DOC}. \n${lines.join('')}Please retry in ${delay}.`,
      {
        details: [
          { '@type': HELP, links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMITS_DOC }] },
          {
            '@type': QUOTA_FAILURE,
            violations: violations.map((v) => ({
              quotaMetric: v.quotaMetric,
              quotaId: v.quotaId,
              quotaDimensions: { location: 'global', ...(v.model !== undefined ? { model: v.model } : {}) },
              quotaValue: String(v.limit),
            })),
          },
          { '@type': RETRY_INFO, retryDelay: delay },
        ],
        headers: { 'retry-after': String(Math.max(1, Math.ceil(retryDelayMs / 1000))) },
      },
    );
  },

  /** `MODEL_NOT_ALLOWED`: gemserve's own text (Google has none to copy). */
  modelNotAllowed(model: string): GemserveError {
    const name = model.startsWith('models/') ? model : `models/${model}`;
    return make('MODEL_NOT_ALLOWED', `This API key is not allowed to use ${name}. Use a model the key allows, or ask the server's administrator to allow this one.`, {
      details: [{ '@type': ERROR_INFO, reason: 'API_KEY_MODEL_NOT_ALLOWED', domain: 'gemserve', metadata: { model: name } }],
    });
  },

  /** `ADMIN_UNAUTHENTICATED`: Google's UNAUTHENTICATED text, then what the admin API expects. */
  adminUnauthenticated(): GemserveError {
    return make(
      'ADMIN_UNAUTHENTICATED',
      'Request had invalid authentication credentials. The admin API expects the admin key as "Authorization: Bearer <admin key>".',
      { headers: { 'www-authenticate': 'Bearer realm="gemserve-admin"' } },
    );
  },

  /** `KEY_NOT_FOUND`. */
  keyNotFound(id: string): GemserveError {
    return make('KEY_NOT_FOUND', `API key ${id} not found.`);
  },

  /** `KEY_REVOKED`. */
  keyRevoked(id: string): GemserveError {
    return make('KEY_REVOKED', `API key ${id} is revoked; create a new key instead.`);
  },

  /**
   * `STORAGE_QUOTA_EXCEEDED`: Google's 429 for Files past the project's storage quota, as it sends
   * it (googleapis/python-genai#1172, alphaXiv/feedback#16): the quota text with the
   * `file_storage_bytes` metric and limit, and a QuotaFailure whose `quotaId` names the quota
   * (`FileStorageBytesPerProject` per key, gemserve's `FileStorageBytesPerServer` for the
   * server's). No RetryInfo: waiting frees nothing until Files expire or are deleted.
   */
  storageQuotaExceeded(limitBytes: number, quotaId: 'FileStorageBytesPerProject' | 'FileStorageBytesPerServer'): GemserveError {
    const metric = 'generativelanguage.googleapis.com/file_storage_bytes';
    return make(
      'STORAGE_QUOTA_EXCEEDED',
      'You exceeded your current quota, please check your plan and billing details. ' +
        `For more information on this error, head to: ${RATE_LIMITS_DOC}.\n* Quota exceeded for metric: ${metric}, limit: ${limitBytes}`,
      {
        details: [
          { '@type': QUOTA_FAILURE, violations: [{ quotaMetric: metric, quotaId, quotaValue: String(limitBytes) }] },
          { '@type': HELP, links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMITS_DOC }] },
        ],
      },
    );
  },

  /**
   * `OVERLOADED`: Google's overload text, retryable (quoted in google-gemini/gemini-cli#4360).
   * `Retry-After` (RFC 9110 §10.2.3) is `retryAfterMs` in whole seconds, at least 1: Google asks
   * clients to wait before retrying a 503 (ai.google.dev/gemini-api/docs/troubleshooting).
   */
  overloaded(retryAfterMs = 0): GemserveError {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return make('OVERLOADED', 'The model is overloaded. Please try again later.', { headers: { 'retry-after': String(seconds) } });
  },

  /** `MODEL_UNAVAILABLE`. */
  modelUnavailable(model: string, reason: string): GemserveError {
    return make('MODEL_UNAVAILABLE', `models/${model} is not available: ${reason}`);
  },

  /** `DEADLINE_EXCEEDED`. */
  deadlineExceeded(): GemserveError {
    return make('DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.');
  },

  /** `CANCELLED`. */
  cancelled(): GemserveError {
    return make('CANCELLED', 'The operation was cancelled.');
  },

  /** `INTERNAL`: Google's text (quoted in google-gemini/gemini-cli#3665); the cause is logged, never sent. */
  internal(cause?: unknown): GemserveError {
    return make(
      'INTERNAL',
      'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
      { cause },
    );
  },

  /**
   * `MODEL_NOT_FOUND` from `GET /v1beta/models/{id}`: Google's text there differs from the
   * method 404 (observed: "Model is not found: models/invalid-model for api version v1beta").
   */
  modelGetNotFound(model: string, apiVersion: string): GemserveError {
    const name = model.startsWith('models/') ? model : `models/${model}`;
    return make('MODEL_NOT_FOUND', `Model is not found: ${name} for api version ${apiVersion}`);
  },

  /** `CACHED_CONTENT_NOT_FOUND`: Google's observed text. */
  cachedContentNotFound(): GemserveError {
    return make('CACHED_CONTENT_NOT_FOUND', 'CachedContent not found (or permission denied)');
  },

  /**
   * `CACHED_CONTENT_CONFLICT`: Google's current text, quoted from live 400s in
   * 567-labs/instructor#2582 (2026-08); it replaced "CachedContent can not be used with
   * GenerateContent request setting system_instruction, tools or tool_config." (vercel/ai#3333).
   */
  cachedContentConflict(): GemserveError {
    return make('CACHED_CONTENT_CONFLICT',
      'Tool config, tools and system instruction should not be set in the request when using cached content.');
  },

  /** `CACHED_CONTENT_MODEL_MISMATCH`: Google's text, as quoted in public reports. */
  cachedContentModelMismatch(requestModel: string, cacheModel: string): GemserveError {
    return make('CACHED_CONTENT_MODEL_MISMATCH',
      `Model used by GenerateContent request (models/${requestModel}) and CachedContent (models/${cacheModel}) has to be the same.`);
  },

  /** `CACHED_CONTENT_TOO_SMALL`: Google's text (e.g. zyddnys/manga-image-translator#929, BerriAI/litellm#17696). */
  cachedContentTooSmall(totalTokens: number, minTokens: number): GemserveError {
    return make('CACHED_CONTENT_TOO_SMALL',
      `Cached content is too small. total_token_count=${totalTokens}, min_total_token_count=${minTokens}`);
  },

  /**
   * `FILE_NOT_FOUND`: Google answers a missing, expired or foreign File with this 403
   * (googleapis/python-genai#1218; the same text for a made-up id `doesnotexist1` in public
   * client tests), so existence is never revealed. `id` is the bare id.
   */
  fileNotFound(id: string): GemserveError {
    return make('FILE_NOT_FOUND', `You do not have permission to access the File ${id} or it may not exist.`);
  },

  /** `BATCH_NOT_FOUND`: Google's generic text for a missing resource. */
  batchNotFound(): GemserveError {
    return make('BATCH_NOT_FOUND', 'Requested entity was not found.');
  },

  /** `FILE_ALREADY_EXISTS` (google.rpc ALREADY_EXISTS). */
  fileAlreadyExists(name: string): GemserveError {
    return make('FILE_ALREADY_EXISTS', `File ${name} already exists.`);
  },

  /** `UPLOAD_NOT_FOUND`. */
  uploadNotFound(): GemserveError {
    return make(
      'UPLOAD_NOT_FOUND',
      'No such upload session: the upload_id is unknown, already finalized or cancelled, or expired. Start a new upload.',
    );
  },

  /**
   * `UPLOAD_REJECTED`. The headers tell the client how much the server has, as the resumable
   * protocol's `query` command would (the X-Goog-Upload protocol, as Google documents it for
   * another API: https://developers.google.com/streetview/publish/resumable-uploads).
   */
  uploadRejected(message: string, receivedBytes: number): GemserveError {
    return make('UPLOAD_REJECTED', message, {
      headers: { 'x-goog-upload-status': 'active', 'x-goog-upload-size-received': String(receivedBytes) },
    });
  },

  /** `NOT_READY`. */
  notReady(): GemserveError {
    return make('NOT_READY', 'The service is currently unavailable.');
  },

  /** `BAD_MODEL_FILE`. */
  badModelFile(path: string, reason: string): GemserveError {
    return make('BAD_MODEL_FILE', `Cannot load model file ${path}: ${reason}`);
  },

  /**
   * `UPSTREAM_REJECTED`: the upstream's Google status, message, `details` and headers pass
   * through unchanged, so our client sees what the upstream said; retryable only as
   * RESOURCE_EXHAUSTED (the catalog's rule).
   */
  upstreamRejected(status: GoogleStatus, message: string, details: ErrorDetail[] = [], headers: Record<string, string> = {}): GemserveError {
    return new GemserveError({ code: 'UPSTREAM_REJECTED', status, message, details, headers });
  },

  /** `UPSTREAM_UNAVAILABLE`. */
  upstreamUnavailable(upstream: string, reason: string): GemserveError {
    return make('UPSTREAM_UNAVAILABLE', `The upstream ${upstream} is unavailable: ${reason}`);
  },

  /** `UPSTREAM_TIMEOUT`. */
  upstreamTimeout(upstream: string, timeoutMs: number): GemserveError {
    return make('UPSTREAM_TIMEOUT', `The upstream ${upstream} did not answer within ${timeoutMs} ms.`);
  },

  /** `UPSTREAM_MALFORMED`. */
  upstreamMalformed(upstream: string, reason: string): GemserveError {
    return make('UPSTREAM_MALFORMED', `The upstream ${upstream} sent a malformed response: ${reason}`);
  },

  /** `UPSTREAM_LIMITATION`: the upstream's own limit, never the client's 400. */
  upstreamLimitation(upstream: string, reason: string): GemserveError {
    return make('UPSTREAM_LIMITATION', `The upstream ${upstream} cannot serve this request: ${reason}`);
  },

  /** `CIRCUIT_OPEN`: `Retry-After` says when the cool-down ends, in whole seconds. */
  circuitOpen(upstream: string, retryAfterMs: number): GemserveError {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return make(
      'CIRCUIT_OPEN',
      `The upstream ${upstream} is failing; requests to it are paused for ${seconds} s. Please try again later.`,
      { headers: { 'retry-after': String(seconds) } },
    );
  },
} as const;

/** Wraps anything thrown into a GemserveError (unknown errors become INTERNAL). */
export function toGemserveError(e: unknown): GemserveError {
  return isGemserveError(e) ? e : Errors.internal(e);
}
