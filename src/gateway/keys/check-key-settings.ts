import { Errors } from '../../core/errors.js';
import type { Quotas } from '../caller.js';
import type { KeyPatch, NewKey } from './key-record.js';
import { parseDuration } from './parse-duration.js';

/** Longest key name. */
export const MAX_KEY_NAME_LENGTH = 128;
/** Most entries in `allowedModels` and `labels`. */
export const MAX_ALLOWED_MODELS = 256;
/**
 * Google Cloud's label rules (cloud.google.com/resource-manager/docs/labels-overview,
 * "Requirements for labels"): at most 64; keys start with a lowercase letter; keys and values
 * up to 63 lowercase letters, digits, `_` and `-`. Labels become metric labels, so keep them tame.
 */
export const MAX_LABELS = 64;
const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

const FIELDS = ['name', 'expiresAt', 'expiresIn', 'allowedModels', 'quotas', 'labels'] as const;

const bad = (field: string, message: string) => Errors.invalidArgument(`Invalid value at '${field}': ${message}`, field);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkObject(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw Errors.invalidArgument('Invalid JSON payload received. Expected an object.');
  for (const k of Object.keys(body)) {
    // Google's text for a field the message does not have.
    if (!(FIELDS as readonly string[]).includes(k)) throw Errors.invalidArgument(`Invalid JSON payload received. Unknown name "${k}": Cannot find field.`);
  }
  return body;
}

function checkName(v: unknown): string {
  if (typeof v !== 'string' || v.trim() === '' || v.length > MAX_KEY_NAME_LENGTH) {
    throw bad('name', `a non-empty string of at most ${MAX_KEY_NAME_LENGTH} characters is required`);
  }
  return v.trim();
}

function checkExpiry(body: Record<string, unknown>, now: number): string | undefined {
  if (body.expiresAt !== undefined && body.expiresIn !== undefined) throw bad('expiresIn', 'give expiresAt or expiresIn, not both');
  if (typeof body.expiresIn === 'string') {
    const ms = parseDuration(body.expiresIn);
    if (ms === undefined || ms === 0) throw bad('expiresIn', 'a duration like "90s", "12h" or "30d" is required');
    return new Date(now + ms).toISOString();
  }
  if (body.expiresIn !== undefined) throw bad('expiresIn', 'a duration like "90s", "12h" or "30d" is required');
  if (body.expiresAt === undefined) return undefined;
  const t = typeof body.expiresAt === 'string' ? Date.parse(body.expiresAt) : NaN;
  if (!Number.isFinite(t)) throw bad('expiresAt', 'an RFC 3339 timestamp like "2026-01-31T00:00:00Z" is required');
  return new Date(t).toISOString();
}

function checkModels(v: unknown): string[] {
  if (!Array.isArray(v) || v.length > MAX_ALLOWED_MODELS || !v.every((m) => typeof m === 'string' && m.replace(/^models\//, '') !== '')) {
    throw bad('allowedModels', `a list of at most ${MAX_ALLOWED_MODELS} model ids is required`);
  }
  return [...new Set(v.map((m: string) => m.replace(/^models\//, '')))];
}

function checkQuotas(v: unknown): Quotas {
  if (!isObject(v)) throw bad('quotas', 'an object {rpm, tpm, rpd} is required');
  const quotas: Quotas = {};
  for (const [k, n] of Object.entries(v)) {
    if (k !== 'rpm' && k !== 'tpm' && k !== 'rpd') throw bad(`quotas.${k}`, 'only rpm, tpm and rpd are quotas');
    if (n === undefined || n === null) continue;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad(`quotas.${k}`, 'a non-negative integer is required');
    quotas[k] = n;
  }
  return quotas;
}

function checkLabels(v: unknown): Record<string, string> {
  if (!isObject(v) || Object.keys(v).length > MAX_LABELS) throw bad('labels', `an object of at most ${MAX_LABELS} labels is required`);
  for (const [k, value] of Object.entries(v)) {
    if (!LABEL_KEY.test(k)) throw bad('labels', `label key "${k}" must start with a lowercase letter and hold at most 63 lowercase letters, digits, _ and -`);
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) throw bad(`labels.${k}`, 'at most 63 lowercase letters, digits, _ and - are allowed');
  }
  return { ...(v as Record<string, string>) };
}

/**
 * Checks a new key's settings as the admin API receives them (JSON) and the CLI builds them:
 * `{name, expiresAt | expiresIn, allowedModels, quotas, labels}`. `expiresIn` ("30d") counts
 * from `now`. Throws 400 INVALID_ARGUMENT naming the field.
 */
export function checkNewKey(body: unknown, now: number): NewKey {
  const b = checkObject(body);
  const key: NewKey = { name: checkName(b.name) };
  const expiresAt = checkExpiry(b, now);
  if (expiresAt !== undefined) key.expiresAt = expiresAt;
  if (b.allowedModels !== undefined) key.allowedModels = checkModels(b.allowedModels);
  if (b.quotas !== undefined) key.quotas = checkQuotas(b.quotas);
  if (b.labels !== undefined) key.labels = checkLabels(b.labels);
  return key;
}

/** Checks a change to a key's settings: the fields of {@link checkNewKey}, each optional; `null` clears. */
export function checkKeyPatch(body: unknown, now: number): KeyPatch {
  const b = checkObject(body);
  const patch: KeyPatch = {};
  if (b.name !== undefined) patch.name = checkName(b.name);
  if (b.expiresAt === null) {
    if (b.expiresIn !== undefined) throw bad('expiresIn', 'give expiresAt or expiresIn, not both');
    patch.expiresAt = null;
  } else {
    const expiresAt = checkExpiry(b, now);
    if (expiresAt !== undefined) patch.expiresAt = expiresAt;
  }
  if (b.allowedModels !== undefined) patch.allowedModels = b.allowedModels === null ? null : checkModels(b.allowedModels);
  if (b.quotas !== undefined) patch.quotas = b.quotas === null ? null : checkQuotas(b.quotas);
  if (b.labels !== undefined) patch.labels = b.labels === null ? null : checkLabels(b.labels);
  return patch;
}
