/**
 * The one settings schema: every setting gemserve reads is defined here once, with its flag,
 * env var, default and help text (the pattern of ollama's `envconfig`). Flags, env vars,
 * the config file, `--help` and the docs are all derived from this table, so a setting cannot
 * exist in one place and be missing from another.
 *
 * Precedence, highest first: command-line flag > env var > config file > default
 * (see resolve-settings.ts).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  autoOrInteger, boolean, byteSize, httpUrl, integer, InvalidSettingValue, list, oneOf, pathPrefix, text, type SettingParser,
} from './setting-parsers.js';

/** The commands that read settings; each setting lists the ones it applies to. */
export type CommandName = 'serve' | 'models' | 'pull' | 'engine' | 'usage' | 'keys';

/**
 * How a relative path in the config file is anchored. `path`: always against the config
 * file's folder. `model`: the same when it looks like a path (has a separator or names an
 * existing file there); otherwise it is a model name looked up in the pull cache.
 */
export type PathKind = 'path' | 'model';

/** The definition of one setting. */
export interface SettingSpec<T> {
  /** The command-line flag, without `--`. */
  flag: string;
  /** The env var; always `GEMSERVE_*`. */
  env: string;
  /** Other env vars read when `env` is unset, for names other tools already use (HF_TOKEN). */
  envAliases?: readonly string[];
  /** `boolean`: a flag without a value. `list`: the flag may repeat. */
  type: 'string' | 'boolean' | 'list';
  /** Placeholder for the value in help, e.g. `PORT`. */
  valueName?: string;
  /** The default; a function because some depend on the environment (XDG_CACHE_HOME). */
  default: (env: NodeJS.ProcessEnv) => T;
  /** The default as help shows it, when printing the value would mislead or leak. */
  defaultText?: string;
  help: string;
  parse: SettingParser<T>;
  commands: readonly CommandName[];
  /** Relative paths from the config file are taken relative to that file. */
  pathKind?: PathKind;
  /** Never echoed in help or errors. */
  secret?: boolean;
  /** May not appear in the config file (the config file's own path). */
  notInConfigFile?: boolean;
}

/** Log levels of Fastify's logger (pino), plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Default request body limit: 100 MiB. Google documents inline data in a request up to
 * 100 MB (50 MB for PDFs), raised from the earlier 20 MB (ai.google.dev/gemini-api/docs/
 * file-input-methods, "Input method comparison"). Inline bytes
 * travel base64 inside the JSON body, so the body limit must be at least that large.
 */
export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024 * 1024;

/** The pull cache: `$XDG_CACHE_HOME/gemserve/models`, else `~/.cache/gemserve/models` (XDG Base Directory spec). */
export function defaultModelsDir(env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(cache, 'gemserve', 'models');
}

/**
 * Where gemserve keeps what clients store (uploaded files today): `$XDG_DATA_HOME/gemserve`,
 * else `~/.local/share/gemserve` (XDG Base Directory spec).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const data = env.XDG_DATA_HOME?.startsWith('/') ? env.XDG_DATA_HOME : join(env.HOME || homedir(), '.local', 'share');
  return join(data, 'gemserve');
}

/**
 * The engine cache root: `$XDG_CACHE_HOME/gemserve`, else `~/.cache/gemserve`. `gemserve engine
 * build` puts llama-server in `<root>/llama-server/<llama.cpp release>/bin/llama-server`.
 */
export function defaultEngineCacheDir(env: NodeJS.ProcessEnv): string {
  const cache = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), '.cache');
  return join(cache, 'gemserve');
}

/** Where the response cache keeps its entries (`--cache`). */
export const CACHE_MODES = ['memory', 'sqlite', 'off'] as const;

/**
 * What to do with a request field its message does not have (`--unknown-fields`): refuse it with
 * Google's 400, or drop it and log its path once.
 */
export const UNKNOWN_FIELDS_MODES = ['reject', 'accept'] as const;

/** The engines `--model` can run on. */
export const TEXT_ENGINES = ['llama-cpp', 'llama-server'] as const;

/** Rate limits of one model (config `limits`), as `Quotas` in src/gateway/caller.ts; absent fields are unlimited. */
export interface ModelLimits {
  rpm?: number;
  tpm?: number;
  rpd?: number;
}

const LIMIT_FIELDS = ['rpm', 'tpm', 'rpd'] as const;

/**
 * Per-model rate limits: an object of model id → `{rpm?, tpm?, rpd?}` (positive integers), in
 * the config file or as the same JSON in a flag or env var. Ids may carry `models/`.
 */
function modelLimits(): SettingParser<Record<string, ModelLimits>> {
  const count = integer(1);
  const expected = 'must be an object of model id to {"rpm", "tpm", "rpd"} limits (positive integers), ' +
    'like {"gemini-2.0-flash": {"rpm": 10, "rpd": 1000}}';
  return (v) => {
    let raw = v;
    if (typeof v === 'string') {
      try {
        raw = JSON.parse(v);
      } catch {
        throw new InvalidSettingValue(expected, v);
      }
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidSettingValue(expected, v);
    const out: Record<string, ModelLimits> = {};
    for (const [model, limits] of Object.entries(raw)) {
      if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) throw new InvalidSettingValue(expected, v);
      const entry: ModelLimits = {};
      for (const [field, value] of Object.entries(limits)) {
        if (!(LIMIT_FIELDS as readonly string[]).includes(field)) throw new InvalidSettingValue(expected, v);
        try {
          entry[field as (typeof LIMIT_FIELDS)[number]] = count(value);
        } catch {
          throw new InvalidSettingValue(`${JSON.stringify(model)}.${field} must be a positive integer`, value);
        }
      }
      out[model.replace(/^models\//, '')] = entry;
    }
    return out;
  };
}

/** A model's price overrides (config `prices`), USD per 1M tokens; as `PriceOverrides` in src/gateway/usage/price-table.ts. */
export interface PriceOverride {
  input?: number;
  inputAudio?: number;
  output?: number;
  cached?: number;
  cachedAudio?: number;
  longPrompt?: { aboveTokens: number; input: number; output: number; inputAudio?: number; cached?: number; cachedAudio?: number };
}

const PRICE_FIELDS = ['input', 'inputAudio', 'output', 'cached', 'cachedAudio'] as const;

/**
 * Price overrides: an object of model id → prices (non-negative USD per 1M tokens) or null, in
 * the config file or as the same JSON in a flag or env var. Ids may carry `models/`.
 */
function priceOverrides(): SettingParser<Record<string, PriceOverride | null>> {
  const expected = 'must be an object of model id to prices in USD per 1M tokens (or null), ' +
    'like {"gemini-2.5-flash": {"input": 0.3, "output": 2.5, "cached": 0.03}}';
  const prices = (v: unknown, where: string, tier: boolean): Record<string, number> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InvalidSettingValue(expected, v);
    const out: Record<string, number> = {};
    for (const [field, value] of Object.entries(v)) {
      if (field === 'aboveTokens' && tier) {
        out[field] = integer(1)(value);
        continue;
      }
      if (!(PRICE_FIELDS as readonly string[]).includes(field)) throw new InvalidSettingValue(`${where} has an unknown field ${JSON.stringify(field)}; ${expected}`, v);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new InvalidSettingValue(`${where}.${field} must be a non-negative number (USD per 1M tokens)`, value);
      }
      out[field] = value;
    }
    return out;
  };
  return (v) => {
    let raw = v;
    if (typeof v === 'string') {
      try {
        raw = JSON.parse(v);
      } catch {
        throw new InvalidSettingValue(expected, v);
      }
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidSettingValue(expected, v);
    const out: Record<string, PriceOverride | null> = {};
    for (const [model, p] of Object.entries(raw)) {
      const id = model.replace(/^models\//, '');
      if (p === null) {
        out[id] = null;
        continue;
      }
      const { longPrompt, ...flat } = (typeof p === 'object' && !Array.isArray(p) ? p : { bad: p }) as Record<string, unknown>;
      const entry: PriceOverride = prices(flat, JSON.stringify(model), false);
      if (longPrompt !== undefined) {
        const lp = prices(longPrompt, `${JSON.stringify(model)}.longPrompt`, true);
        if (lp.aboveTokens === undefined || lp.input === undefined || lp.output === undefined) {
          throw new InvalidSettingValue(`${JSON.stringify(model)}.longPrompt needs aboveTokens, input and output`, longPrompt);
        }
        entry.longPrompt = lp as PriceOverride['longPrompt'];
      }
      out[id] = entry;
    }
    return out;
  };
}

/**
 * Model aliases: an object of pattern → model id or engine name (`{"gemini-*": "my-engine"}`) in the
 * config file or as that JSON in a flag or env var, or `PATTERN=MODEL` items (the repeatable
 * `--alias` flag; `GEMSERVE_ALIASES=p1=m1,p2=m2`). `*` in a pattern stands for any run of
 * characters; patterns and targets may carry `models/`. Whether a target names a bound model or a
 * declared engine is checked when serve plans its bindings (plan-serve.ts).
 */
function modelAliases(): SettingParser<Record<string, string>> {
  const expected = 'must be PATTERN=MODEL items (e.g. gemini-*=my-engine) or an object of pattern to model id or engine name, ' +
    'like {"gemini-3*": "gemini-2.5-flash"}';
  const pattern = /^(?:models\/)?[A-Za-z0-9*][A-Za-z0-9._\-/*]*$/;
  const target = /^(?:models\/)?[A-Za-z0-9$][A-Za-z0-9._\-/:]*$/;
  const add = (out: Record<string, string>, p: unknown, t: unknown, v: unknown) => {
    if (typeof p !== 'string' || !pattern.test(p.trim())) throw new InvalidSettingValue(`has an invalid pattern ${JSON.stringify(p)}; ${expected}`, v);
    if (typeof t !== 'string' || !target.test(t.trim())) throw new InvalidSettingValue(`${JSON.stringify(p)} needs a model id or engine name; ${expected}`, v);
    out[p.trim().replace(/^models\//, '')] = t.trim().replace(/^models\//, '');
  };
  return (v) => {
    let raw = v;
    if (typeof v === 'string' && v.trim().startsWith('{')) {
      try {
        raw = JSON.parse(v);
      } catch {
        throw new InvalidSettingValue(expected, v);
      }
    }
    const out: Record<string, string> = {};
    if (typeof raw === 'string' || Array.isArray(raw)) {
      const items = typeof raw === 'string' ? raw.split(',') : raw;
      for (const item of items) {
        // A repeated flag's value may itself be JSON (`--alias '{"a*": "b"}'`).
        if (typeof item === 'string' && item.trim().startsWith('{')) {
          Object.assign(out, modelAliases()(item));
          continue;
        }
        const m = typeof item === 'string' ? /^([^=]+)=(.+)$/.exec(item.trim()) : null;
        if (!m) throw new InvalidSettingValue(expected, v);
        add(out, m[1], m[2], v);
      }
      return out;
    }
    if (typeof raw !== 'object' || raw === null) throw new InvalidSettingValue(expected, v);
    for (const [p, t] of Object.entries(raw)) add(out, p, t, v);
    return out;
  };
}

const constant = <T>(v: T) => () => v;

/** Asymmetric JWS algorithm names (RFC 7518 §3.1, RFC 8037 §3.1); which of them gemserve verifies is src/gateway/keys/parse-jwt-public-keys.ts's list. */
function jwtAlgorithms(): SettingParser<string[]> {
  const names = list();
  return (v) => {
    const algs = names(v);
    const bad = algs.find((a) => !/^(?:RS|PS|ES)(?:256|384|512)$|^EdDSA$/.test(a));
    if (bad !== undefined || algs.length === 0) throw new InvalidSettingValue('must list RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 or EdDSA', v);
    return algs;
  };
}
const optional = <T>(p: SettingParser<T>): SettingParser<T | undefined> => p;
const SERVE = ['serve'] as const;

/** Defines a setting; the identity function that lets TypeScript infer each setting's type. */
function setting<T>(spec: SettingSpec<T>): SettingSpec<T> {
  return spec;
}

/** Every setting, by its key (the key is also its name in the config file). */
export const SETTINGS = {
  config: setting<string | undefined>({
    flag: 'config', env: 'GEMSERVE_CONFIG', type: 'string', valueName: 'FILE',
    default: constant(undefined), defaultText: 'none',
    help: 'JSON config file with settings, engines and model bindings.',
    parse: optional(text()), commands: ['serve', 'models', 'pull', 'usage', 'keys'], notInConfigFile: true,
  }),
  host: setting({
    flag: 'host', env: 'GEMSERVE_HOST', type: 'string', valueName: 'HOST',
    default: constant('127.0.0.1'),
    help: 'Address to listen on. Anything but loopback needs API keys or --allow-remote.',
    parse: text(), commands: SERVE,
  }),
  port: setting({
    flag: 'port', env: 'GEMSERVE_PORT', type: 'string', valueName: 'PORT',
    default: constant(8080),
    help: 'TCP port to listen on; 0 picks a free one (the start line prints it).',
    parse: integer(0, 65535), commands: SERVE,
  }),
  allowRemote: setting({
    flag: 'allow-remote', env: 'GEMSERVE_ALLOW_REMOTE', type: 'boolean',
    default: constant(false),
    help: 'Allow listening on a non-loopback address without API keys (anyone who can reach it can use it).',
    parse: boolean(), commands: SERVE,
  }),
  allowedOrigins: setting({
    flag: 'allowed-origins', env: 'GEMSERVE_ALLOWED_ORIGINS', type: 'list', valueName: 'ORIGINS',
    default: constant<string[]>([]), defaultText: 'none (loopback origins only)',
    help: 'Web origins that may call the server from a browser besides localhost, 127.0.0.1 and [::1] (any port) and app://, tauri://, file://: comma-separated, '
      + '* for one label or a port (https://*.example.com, http://localhost:*); * alone allows any origin, unsafe without API keys (any web page can then use the server). '
      + 'Without keys, their hosts are also accepted in Host.',
    parse: list(), commands: SERVE,
  }),
  apiKeys: setting({
    flag: 'api-key', env: 'GEMSERVE_API_KEYS', type: 'list', valueName: 'KEY',
    default: constant<string[]>([]), defaultText: 'none (any key accepted)',
    help: 'Accepted API key; repeat the flag for several, or GEMSERVE_API_KEYS=k1,k2.',
    parse: list(), commands: SERVE, secret: true,
  }),
  jwtSecret: setting<string | undefined>({
    flag: 'jwt-secret', env: 'GEMSERVE_JWT_SECRET', type: 'string', valueName: 'SECRET',
    default: constant(undefined), defaultText: 'none (JWTs are not accepted)',
    help: 'Also accept HS256 JWT bearer tokens signed with this secret, as callers jwt:<sub> (claims: exp, nbf, iat; optional models, quotas {rpm, tpm, rpd}, labels).',
    parse: optional(text()), commands: SERVE, secret: true,
  }),
  jwtPublicKey: setting<string | undefined>({
    flag: 'jwt-public-key', env: 'GEMSERVE_JWT_PUBLIC_KEY', type: 'string', valueName: 'FILE',
    default: constant(undefined), defaultText: 'none',
    help: 'Also accept JWT bearer tokens signed with this key (as --jwt-secret\'s tokens: callers jwt:<sub>): a PEM public key or X.509 certificate, a JWK, or a JWK Set file. '
      + 'RS256/384/512, PS256/384/512, ES256/384/512 or EdDSA by the key\'s type (--jwt-algorithms).',
    parse: optional(text()), commands: SERVE, pathKind: 'path',
  }),
  jwtJwksUrl: setting<string | undefined>({
    flag: 'jwt-jwks-url', env: 'GEMSERVE_JWT_JWKS_URL', type: 'string', valueName: 'URL',
    default: constant(undefined), defaultText: 'none',
    help: 'Also accept JWT bearer tokens signed with a key of this JWK Set, an OIDC provider\'s jwks_uri (Keycloak, Auth0, Google): fetched on first use, cached 10 minutes, '
      + 'fetched again for a new kid at most every 30 s. Needs --jwt-audience.',
    parse: optional(httpUrl()), commands: SERVE,
  }),
  jwtIssuer: setting({
    flag: 'jwt-issuer', env: 'GEMSERVE_JWT_ISSUER', type: 'list', valueName: 'ISS',
    default: constant<string[]>([]), defaultText: 'any',
    help: 'Accept only JWTs whose iss claim is one of these (the provider\'s issuer URL, e.g. https://accounts.google.com); comma-separated.',
    parse: list(), commands: SERVE,
  }),
  jwtAudience: setting({
    flag: 'jwt-audience', env: 'GEMSERVE_JWT_AUDIENCE', type: 'list', valueName: 'AUD',
    default: constant<string[]>([]), defaultText: 'any (required with --jwt-jwks-url)',
    help: 'Accept only JWTs whose aud claim names one of these (the client id or API identifier the provider issues tokens for); comma-separated.',
    parse: list(), commands: SERVE,
  }),
  jwtAlgorithms: setting<string[] | undefined>({
    flag: 'jwt-algorithms', env: 'GEMSERVE_JWT_ALGORITHMS', type: 'list', valueName: 'ALGS',
    default: constant(undefined), defaultText: 'RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
    help: 'JWS algorithms accepted with --jwt-public-key and --jwt-jwks-url (RFC 8725: an allowlist; none is never accepted, HS256 only with --jwt-secret); comma-separated.',
    parse: jwtAlgorithms(), commands: SERVE,
  }),
  adminKey: setting<string | undefined>({
    flag: 'admin-key', env: 'GEMSERVE_ADMIN_KEY', type: 'string', valueName: 'KEY',
    default: constant(undefined), defaultText: 'none (no admin API)',
    help: 'Credential of the admin API (/admin/v1/keys to create, list, update, revoke and rotate API keys; /admin/v1/usage), sent as Authorization: Bearer KEY. Not an API key. None: no admin API.',
    parse: optional(text()), commands: SERVE, secret: true,
  }),
  model: setting<string | undefined>({
    flag: 'model', env: 'GEMSERVE_MODEL', type: 'string', valueName: 'PATH|NAME',
    default: constant(undefined), defaultText: 'none',
    help: 'GGUF file to serve under every Gemini model id and its own name, a model name from the pull cache, or a short name (gemma3-1b, qwen2.5-1.5b, qwen3-1.7b, qwen2.5-0.5b: downloaded once, pinned by SHA-256). Without it and without engines in the config file, gemma3-1b is served. Other gemini-* names are served by it too (capabilities of the name\'s family), unless --strict-models.',
    parse: optional(text()), commands: SERVE, pathKind: 'model',
  }),
  aliases: setting<Record<string, string>>({
    flag: 'alias', env: 'GEMSERVE_ALIASES', type: 'list', valueName: 'PATTERN=MODEL',
    default: constant({}), defaultText: 'none',
    help: 'Serve model names matching PATTERN (* is any text, e.g. gemini-*, gemini-3*) with MODEL, a served model id or an engine name from the config file; repeat the flag for several. Exact names win, then the longest pattern. In the config file: "aliases": {"gemini-3*": "gemini-2.5-flash"}.',
    parse: modelAliases(), commands: SERVE,
  }),
  strictModels: setting({
    flag: 'strict-models', env: 'GEMSERVE_STRICT_MODELS', type: 'boolean',
    default: constant(false),
    help: "With --model, answer a gemini-* name gemserve's catalog does not know with Google's 404, instead of serving it with --model (capabilities inferred from the name's family).",
    parse: boolean(), commands: SERVE,
  }),
  mmproj: setting<string | undefined>({
    flag: 'mmproj', env: 'GEMSERVE_MMPROJ', type: 'string', valueName: 'PATH',
    default: constant(undefined), defaultText: 'none',
    help: "Vision/audio projector GGUF for --model (e.g. a Gemma 3 mmproj): images then reach the model. Implies --engine llama-server, since the embedded engine cannot take images.",
    parse: optional(text()), commands: SERVE, pathKind: 'path',
  }),
  engine: setting<(typeof TEXT_ENGINES)[number]>({
    flag: 'engine', env: 'GEMSERVE_ENGINE', type: 'string', valueName: 'KIND',
    default: constant('llama-cpp'), defaultText: 'llama-cpp (llama-server with --mmproj)',
    help: 'What runs --model: llama-cpp (embedded in gemserve) or llama-server (llama.cpp\'s server as a child process; see `gemserve engine build`).',
    parse: oneOf(TEXT_ENGINES), commands: SERVE,
  }),
  llamaServer: setting<string | undefined>({
    flag: 'llama-server', env: 'GEMSERVE_LLAMA_SERVER', type: 'string', valueName: 'PATH',
    default: constant(undefined), defaultText: 'llama-server on PATH, else the `gemserve engine build` one',
    help: 'The llama-server binary the llama-server engine runs.',
    parse: optional(text()), commands: SERVE, pathKind: 'path',
  }),
  mountPrefix: setting({
    flag: 'mount-prefix', env: 'GEMSERVE_MOUNT_PREFIX', type: 'string', valueName: 'PATH',
    default: constant(''), defaultText: 'none',
    help: 'Path prefix to serve the API under, e.g. /gemini behind a reverse proxy.',
    parse: pathPrefix(), commands: SERVE,
  }),
  bodyLimit: setting({
    flag: 'body-limit', env: 'GEMSERVE_BODY_LIMIT', type: 'string', valueName: 'BYTES',
    default: constant(DEFAULT_BODY_LIMIT_BYTES), defaultText: '100MiB',
    help: 'Largest request body (inline images travel base64 in it); accepts 100MiB, 20MB, ...',
    parse: byteSize(1024), commands: SERVE,
  }),
  unknownFields: setting<(typeof UNKNOWN_FIELDS_MODES)[number]>({
    flag: 'unknown-fields', env: 'GEMSERVE_UNKNOWN_FIELDS', type: 'string', valueName: 'MODE',
    default: constant('reject'),
    help: 'A request field its message does not have (a typo such as "gene,rationConfig"): reject answers Google\'s 400 "Unknown name … Cannot find field." as Google does; '
      + 'accept drops the field and logs its path at warn, once per path. Every field the current SDKs send is known, in camelCase or snake_case.',
    parse: oneOf(UNKNOWN_FIELDS_MODES), commands: SERVE,
  }),
  headersTimeout: setting({
    flag: 'headers-timeout', env: 'GEMSERVE_HEADERS_TIMEOUT', type: 'string', valueName: 'SECONDS',
    // Node's headersTimeout (nodejs.org/api/http.html#serverheaderstimeout; its default is 60 s):
    // headers are a few hundred bytes, so half that is generous and halves what a slowloris holds.
    default: constant(30),
    help: 'A request\'s line and headers must arrive within this many seconds, else 408 and the connection is closed.',
    parse: integer(1, 3600), commands: SERVE,
  }),
  requestTimeout: setting({
    flag: 'request-timeout', env: 'GEMSERVE_REQUEST_TIMEOUT', type: 'string', valueName: 'SECONDS',
    // Node's default requestTimeout (nodejs.org/api/http.html#serverrequesttimeout): 5 minutes
    // carries the 100 MiB body limit at ~350 KB/s.
    default: constant(300),
    help: 'A whole API request, body included, must arrive within this many seconds, else 408 and the connection is closed (uploads: --upload-request-timeout).',
    parse: integer(1, 24 * 3600), commands: SERVE,
  }),
  uploadRequestTimeout: setting({
    flag: 'upload-request-timeout', env: 'GEMSERVE_UPLOAD_REQUEST_TIMEOUT', type: 'string', valueName: 'SECONDS',
    // One upload request may carry a whole File: 2 GB (the Files API's per-file limit,
    // ai.google.dev/gemini-api/docs/files) at 1 MB/s takes ~2,000 s; 35 minutes. The SDKs send
    // 8 MiB chunks, each its own request, so they never come near it.
    default: constant(2100),
    help: 'An upload request (POST /upload/v1beta/files), body included, must arrive within this many seconds.',
    parse: integer(1, 24 * 3600), commands: SERVE,
  }),
  keepAliveTimeout: setting({
    flag: 'keep-alive-timeout', env: 'GEMSERVE_KEEP_ALIVE_TIMEOUT', type: 'string', valueName: 'SECONDS',
    // Fastify's default keepAliveTimeout (fastify.dev/docs/latest/Reference/Server): longer than
    // the 60 s idle timeout of common load balancers, so a proxy never reuses a closing connection.
    default: constant(72),
    help: 'An idle keep-alive connection is closed after this many seconds.',
    parse: integer(1, 3600), commands: SERVE,
  }),
  bodyIdleTimeout: setting({
    flag: 'body-idle-timeout', env: 'GEMSERVE_BODY_IDLE_TIMEOUT', type: 'string', valueName: 'SECONDS',
    default: constant(20),
    help: 'A request body must bring --body-min-rate bytes per second (at least one byte) in every window of this many seconds, else 408 and the connection is closed.',
    parse: integer(1, 3600), commands: SERVE,
  }),
  bodyMinRate: setting({
    flag: 'body-min-rate', env: 'GEMSERVE_BODY_MIN_RATE', type: 'string', valueName: 'BYTES',
    // 1 KiB/s is far below any working link; a socket trickling a byte every few seconds (the
    // attack of issue 14) is cut after one window rather than holding a descriptor for minutes.
    default: constant(1024),
    help: 'The slowest accepted request body, in bytes per second, measured over --body-idle-timeout windows; 0: only a silent window is refused.',
    parse: byteSize(0), commands: SERVE,
  }),
  threads: setting<'auto' | number>({
    flag: 'threads', env: 'GEMSERVE_THREADS', type: 'string', valueName: 'N',
    default: constant('auto'),
    help: 'CPU threads per model; auto picks per host (llama-cpp: 1 on 2 cores or fewer, else measured; llama-server: its own default).',
    parse: autoOrInteger(1, 1024), commands: SERVE,
  }),
  parallel: setting({
    flag: 'parallel', env: 'GEMSERVE_PARALLEL', type: 'string', valueName: 'N',
    default: constant(4),
    help: 'Requests a model serves at once (llama-cpp context sequences, llama-server slots).',
    parse: integer(1, 256), commands: SERVE,
  }),
  contextSize: setting({
    flag: 'context-size', env: 'GEMSERVE_CONTEXT_SIZE', type: 'string', valueName: 'TOKENS',
    default: constant(4096), defaultText: "4096, or the model's own if smaller",
    help: 'Context window per sequence, in tokens (prompt + output).',
    parse: integer(16, 1 << 24), commands: SERVE,
  }),
  maxQueue: setting({
    flag: 'max-queue', env: 'GEMSERVE_MAX_QUEUE', type: 'string', valueName: 'N',
    default: constant(64),
    help: 'Requests that may wait per model when all sequences are busy; more get 503 UNAVAILABLE.',
    parse: integer(0, 1_000_000), commands: SERVE,
  }),
  filesQuota: setting({
    flag: 'files-quota', env: 'GEMSERVE_FILES_QUOTA', type: 'string', valueName: 'BYTES',
    // Google: "20 GB per project" (ai.google.dev/gemini-api/docs/files); its 429 says 21474836480.
    default: constant(20 * 1024 * 1024 * 1024), defaultText: '20GiB (Google\'s per project)',
    help: 'Bytes of Files (uploads included) one key may hold; an upload past it gets 429 RESOURCE_EXHAUSTED, at its start or mid-stream. Accepts 20GiB, 500MB, ...',
    parse: byteSize(1), commands: SERVE,
  }),
  filesMaxTotal: setting<number | undefined>({
    flag: 'files-max-total', env: 'GEMSERVE_FILES_MAX_TOTAL', type: 'string', valueName: 'BYTES',
    // No default bound: the per-key quota bounds each key, and only the operator knows how much of
    // the disk gemserve may take (a fraction of the free space measured at startup would move as
    // other programs write). Set it on servers that many keys share, or that run without keys.
    default: constant(undefined), defaultText: 'none (each key is bounded by --files-quota)',
    help: 'Bytes of Files (uploads included) all keys together may hold; an upload past it gets 429 RESOURCE_EXHAUSTED. Accepts 100GiB, ...',
    parse: optional(byteSize(1)), commands: SERVE,
  }),
  batchConcurrency: setting({
    flag: 'batch-concurrency', env: 'GEMSERVE_BATCH_CONCURRENCY', type: 'string', valueName: 'N',
    default: constant(1),
    help: 'Batch API requests run at once, in the background; each waits behind interactive requests for a model slot.',
    parse: integer(1, 256), commands: SERVE,
  }),
  batchMaxAge: setting({
    flag: 'batch-max-age', env: 'GEMSERVE_BATCH_MAX_AGE', type: 'string', valueName: 'HOURS',
    default: constant(48),
    help: 'A Batch API job still pending or running this long after its creation expires (BATCH_STATE_EXPIRED), as Google\'s do after 48 hours; its finished results are kept.',
    parse: integer(1, 24 * 365), commands: SERVE,
  }),
  batchMaxEnqueued: setting({
    flag: 'batch-max-enqueued', env: 'GEMSERVE_BATCH_MAX_ENQUEUED', type: 'string', valueName: 'N',
    // Google bounds a project's enqueued batch work per tier in tokens ("Batch Enqueued Tokens",
    // ai.google.dev/gemini-api/docs/rate-limits); a request count is known at create time without
    // tokenising. 10,000 is days of work for a local model at batch concurrency 1, far more than
    // one key needs, and bounds the queue a key can fill.
    default: constant(10_000),
    help: 'Batch API requests one key may have enqueued (pending or running, across its active jobs); a job that would pass it gets 429 RESOURCE_EXHAUSTED.',
    parse: integer(1, 100_000_000), commands: SERVE,
  }),
  // Code execution's sandbox (src/sandbox/sandbox-limits.ts explains the defaults): the most it
  // takes from the host is --code-execution-max-runs x --code-execution-memory.
  codeExecutionMemory: setting({
    flag: 'code-execution-memory', env: 'GEMSERVE_CODE_EXECUTION_MEMORY', type: 'string', valueName: 'BYTES',
    default: constant(4 * 1024 * 1024 * 1024), defaultText: '4GiB',
    help: 'Memory one code-execution run may take, all its processes and its /tmp together: a cgroup\'s memory.max where the host delegates cgroup v2 to gemserve, else divided into each process\'s address space. Accepts 4GiB, 2048MiB, ...',
    parse: byteSize(1024 * 1024), commands: SERVE,
  }),
  codeExecutionMaxRuns: setting({
    flag: 'code-execution-max-runs', env: 'GEMSERVE_CODE_EXECUTION_MAX_RUNS', type: 'string', valueName: 'N',
    default: constant(2),
    help: 'Code-execution runs at once, over all requests; more wait in a queue.',
    parse: integer(1, 256), commands: SERVE,
  }),
  codeExecutionMaxQueued: setting({
    flag: 'code-execution-max-queued', env: 'GEMSERVE_CODE_EXECUTION_MAX_QUEUED', type: 'string', valueName: 'N',
    default: constant(8),
    help: 'Code-execution runs that may wait for a turn; one more is not run, and its codeExecutionResult is OUTCOME_FAILED saying the sandbox is busy.',
    parse: integer(0, 10_000), commands: SERVE,
  }),
  modelsDir: setting({
    flag: 'models-dir', env: 'GEMSERVE_MODELS_DIR', type: 'string', valueName: 'DIR',
    default: defaultModelsDir, defaultText: '$XDG_CACHE_HOME/gemserve/models or ~/.cache/gemserve/models',
    help: 'The pull cache: where `gemserve pull` stores models and where model names are looked up.',
    parse: text(), commands: ['serve', 'models', 'pull'], pathKind: 'path',
  }),
  engineCacheDir: setting({
    flag: 'engine-cache-dir', env: 'GEMSERVE_ENGINE_CACHE_DIR', type: 'string', valueName: 'DIR',
    default: defaultEngineCacheDir, defaultText: '$XDG_CACHE_HOME/gemserve or ~/.cache/gemserve',
    help: 'Where `gemserve engine build` puts llama-server builds (llama-server/<release>/bin/) and where the engine finds them.',
    parse: text(), commands: ['serve', 'engine'], pathKind: 'path',
  }),
  dataDir: setting({
    flag: 'data-dir', env: 'GEMSERVE_DATA_DIR', type: 'string', valueName: 'DIR',
    default: defaultDataDir, defaultText: '$XDG_DATA_HOME/gemserve or ~/.local/share/gemserve',
    help: 'Where uploaded files (Files API) and the database (gemserve.db: API keys, usage, context caches, Batch API jobs, the sqlite response cache) are kept; created on first use.',
    parse: text(), commands: ['serve', 'usage', 'keys'], pathKind: 'path',
  }),
  blocklist: setting<string | undefined>({
    flag: 'blocklist', env: 'GEMSERVE_BLOCKLIST', type: 'string', valueName: 'FILE',
    default: constant(undefined), defaultText: 'none',
    help: 'File of terms (one a line, whole words, any case) and /regex/ lines; a prompt with a text part matching one gets promptFeedback.blockReason BLOCKLIST and no candidates, as Gemini answers a blocked prompt.',
    parse: optional(text()), commands: SERVE, pathKind: 'path',
  }),
  rpm: setting<number | undefined>({
    flag: 'rpm', env: 'GEMSERVE_RPM', type: 'string', valueName: 'N',
    default: constant(undefined), defaultText: 'unlimited',
    help: 'Requests per minute each API key may make to each model (generateContent, streamGenerateContent, embedContent and batchEmbedContents, a batch counting once; sliding minute); more get 429 RESOURCE_EXHAUSTED with RetryInfo. A key\'s own quota replaces it.',
    parse: optional(integer(1)), commands: SERVE,
  }),
  tpm: setting<number | undefined>({
    flag: 'tpm', env: 'GEMSERVE_TPM', type: 'string', valueName: 'N',
    default: constant(undefined), defaultText: 'unlimited',
    help: 'Tokens per minute each API key may use on each model (total tokens of finished requests, sliding minute); once reached, requests get 429 until usage falls below it.',
    parse: optional(integer(1)), commands: SERVE,
  }),
  rpd: setting<number | undefined>({
    flag: 'rpd', env: 'GEMSERVE_RPD', type: 'string', valueName: 'N',
    default: constant(undefined), defaultText: 'unlimited',
    help: 'Requests per day each API key may make to each model; the day is UTC (it resets at 00:00 UTC).',
    parse: optional(integer(1)), commands: SERVE,
  }),
  countTokensRpm: setting({
    flag: 'count-tokens-rpm', env: 'GEMSERVE_COUNT_TOKENS_RPM', type: 'string', valueName: 'N',
    // Google's Count Tokens quota: 3,000 requests a minute (firebase.google.com/docs/ai-logic/count-tokens).
    default: constant(3000),
    help: 'countTokens requests per minute each API key may make to each model (sliding minute), a quota of its own as Google\'s (3,000 a minute), not counted against --rpm/--rpd; more get 429 RESOURCE_EXHAUSTED with RetryInfo. 0: unlimited.',
    parse: integer(0), commands: SERVE,
  }),
  filesRpm: setting({
    flag: 'files-rpm', env: 'GEMSERVE_FILES_RPM', type: 'string', valueName: 'N',
    // Google documents no Files API request rate (ai.google.dev/gemini-api/docs/files): gemserve's own default.
    default: constant(300),
    help: 'Files API uploads each API key may start per minute (sliding minute; chunks of a started upload are not counted); more get 429 RESOURCE_EXHAUSTED with RetryInfo before the upload\'s metadata is read. Google documents no such rate; 300 is gemserve\'s default. 0: unlimited.',
    parse: integer(0), commands: SERVE,
  }),
  limits: setting<Record<string, ModelLimits>>({
    flag: 'limits', env: 'GEMSERVE_LIMITS', type: 'string', valueName: 'JSON',
    default: constant({}), defaultText: 'none',
    help: 'Per-model limits for every key, e.g. {"gemini-2.0-flash": {"rpm": 10, "tpm": 100000, "rpd": 1000}}; a key gets the lower of these and its own (--rpm/--tpm/--rpd or its quota).',
    parse: modelLimits(), commands: SERVE,
  }),
  cache: setting<(typeof CACHE_MODES)[number]>({
    flag: 'cache', env: 'GEMSERVE_CACHE', type: 'string', valueName: 'MODE',
    default: constant('memory'),
    help: 'Response cache for repeated deterministic requests (temperature 0 or a seed): memory (lost on restart), sqlite (in the data dir, survives restarts) or off. Hits carry x-gemserve-cache: hit.',
    parse: oneOf(CACHE_MODES), commands: SERVE,
  }),
  cacheTtl: setting({
    flag: 'cache-ttl', env: 'GEMSERVE_CACHE_TTL', type: 'string', valueName: 'SECONDS',
    default: constant(3600),
    help: 'How long a cached response is served, in seconds.',
    parse: integer(1, 365 * 24 * 3600), commands: SERVE,
  }),
  cacheMaxEntries: setting({
    flag: 'cache-max-entries', env: 'GEMSERVE_CACHE_MAX_ENTRIES', type: 'string', valueName: 'N',
    default: constant(1000),
    help: 'Most responses the cache keeps; the least recently used go first.',
    parse: integer(1, 100_000_000), commands: SERVE,
  }),
  cacheMaxBytes: setting({
    flag: 'cache-max-bytes', env: 'GEMSERVE_CACHE_MAX_BYTES', type: 'string', valueName: 'BYTES',
    default: constant(64 * 1024 * 1024), defaultText: '64MiB',
    help: 'Most bytes of responses the cache keeps; the least recently used go first. Accepts 64MiB, 1GB, ...',
    parse: byteSize(1024), commands: SERVE,
  }),
  cacheShared: setting({
    flag: 'cache-shared', env: 'GEMSERVE_CACHE_SHARED', type: 'boolean',
    default: constant(false),
    help: "Share cached responses between API keys; by default each key sees only its own requests' answers.",
    parse: boolean(), commands: SERVE,
  }),
  cachedContentMinTokens: setting({
    flag: 'cached-content-min-tokens', env: 'GEMSERVE_CACHED_CONTENT_MIN_TOKENS', type: 'string', valueName: 'N',
    // Google's smallest minimum (1,024 tokens on Flash models, ai.google.dev/gemini-api/docs/caching).
    default: constant(1024),
    help: 'Smallest context cache (cachedContents) accepted, in tokens; smaller ones get Google\'s "Cached content is too small" 400. 0: any size.',
    parse: integer(0, 100_000_000), commands: SERVE,
  }),
  logLevel: setting<(typeof LOG_LEVELS)[number]>({
    flag: 'log-level', env: 'GEMSERVE_LOG_LEVEL', type: 'string', valueName: 'LEVEL',
    // Not `info`: that logs a line per request, which costs more than serving a small model.
    default: constant('warn'),
    help: `Server log level on stderr: ${LOG_LEVELS.join(', ')}; info logs every request.`,
    parse: oneOf(LOG_LEVELS), commands: SERVE,
  }),
  logPrompts: setting({
    flag: 'log-prompts', env: 'GEMSERVE_LOG_PROMPTS', type: 'boolean',
    default: constant(false),
    help: 'Log request bodies (prompts) at info level. Off, no body is logged; API keys are never logged.',
    parse: boolean(), commands: SERVE,
  }),
  metrics: setting({
    flag: 'metrics', env: 'GEMSERVE_METRICS', type: 'string', valueName: 'on|off',
    default: constant(true), defaultText: 'on',
    help: 'Serve Prometheus metrics at GET /metrics, without a key (request, token, latency, queue and cache counts; key names, never keys).',
    parse: boolean(), commands: SERVE,
  }),
  prices: setting<Record<string, PriceOverride | null>>({
    flag: 'prices', env: 'GEMSERVE_PRICES', type: 'string', valueName: 'JSON',
    default: constant({}), defaultText: "Google's published prices (src/gateway/usage/gemini-prices.ts)",
    help: 'Price overrides in USD per 1M tokens for usage costs, e.g. {"gemini-2.5-flash": {"input": 0.3, "output": 2.5, "cached": 0.03}, "my-model": {"input": 0.1, "output": 0.4}}; null makes a model free. Fields: input, inputAudio, output, cached, cachedAudio, longPrompt {aboveTokens, ...}. Costs are priced when recorded.',
    parse: priceOverrides(), commands: SERVE,
  }),
  hfEndpoint: setting({
    flag: 'hf-endpoint', env: 'GEMSERVE_HF_ENDPOINT', envAliases: ['HF_ENDPOINT'], type: 'string', valueName: 'URL',
    default: constant('https://huggingface.co'),
    help: 'Hugging Face endpoint for pulls (a mirror); HF_ENDPOINT is read too, as huggingface_hub does.',
    parse: httpUrl(), commands: ['pull', 'serve'],
  }),
  hfToken: setting<string | undefined>({
    flag: 'hf-token', env: 'GEMSERVE_HF_TOKEN', envAliases: ['HF_TOKEN'], type: 'string', valueName: 'TOKEN',
    default: constant(undefined), defaultText: 'none',
    help: 'Hugging Face token for gated or private repos; HF_TOKEN is read too.',
    parse: optional(text()), commands: ['pull', 'serve'], secret: true,
  }),
} as const satisfies Record<string, SettingSpec<unknown>>;

/** A setting's key. */
export type SettingKey = keyof typeof SETTINGS;

/** The resolved value of every setting. */
export type Settings = { -readonly [K in SettingKey]: (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never };

/** The keys of the settings a command reads, in schema order. */
export function settingsFor(command: CommandName): SettingKey[] {
  return (Object.keys(SETTINGS) as SettingKey[]).filter((k) =>
    (SETTINGS[k] as SettingSpec<unknown>).commands.includes(command));
}
