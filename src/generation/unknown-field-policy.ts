import { describeUnknownField, findUnknownFields, pathOf } from '../api/gemini/find-unknown-fields.js';
import type { RootMessage } from '../api/gemini/request-schema.js';
import { Errors } from '../core/errors.js';

/**
 * What a server does with a request field its message does not have (`--unknown-fields`).
 * `reject` answers as Google does: 400 INVALID_ARGUMENT "Invalid JSON payload received. Unknown
 * name …: Cannot find field." (a typo such as `"gene,rationConfig"` must not silently lose the
 * token limit it carried). `accept` drops the field and tells `onAccepted` its path, for a log.
 */
export interface UnknownFieldPolicy {
  mode: 'reject' | 'accept';
  /** Told the path of each dropped field (`generation_config.max_tokens`). */
  onAccepted?: (path: string) => void;
}

/** Google's behaviour, and the default. */
export const REJECT_UNKNOWN_FIELDS: UnknownFieldPolicy = { mode: 'reject' };

/**
 * The most distinct paths `acceptUnknownFields` reports: names are the client's, so a client
 * sending a new one each time must not grow the set (or the log) without end.
 */
export const MAX_REPORTED_PATHS = 1000;

/**
 * Google lists every unknown name; a body could hold millions. The first ones are enough to fix
 * a request, and the answer stays small (gemserve's bound).
 */
export const MAX_LISTED_UNKNOWN_FIELDS = 100;

/**
 * The `accept` policy: `warn` is told each field path once (array indices left out, so
 * `contents[].parts[].foo` is one path however many parts carry it), up to {@link MAX_REPORTED_PATHS}.
 */
export function acceptUnknownFields(warn: (path: string) => void): UnknownFieldPolicy {
  const seen = new Set<string>();
  return {
    mode: 'accept',
    onAccepted(path) {
      const key = path.replace(/\[\d+\]/g, '[]');
      if (seen.has(key) || seen.size >= MAX_REPORTED_PATHS) return;
      seen.add(key);
      warn(key);
    },
  };
}

/**
 * Applies the policy to a body parsed as `root`: throws Google's 400 listing the unknown names,
 * or (accept) deletes them in place. `at` is the body's own proto path where it sits inside
 * another request (a batch's request), '' for a body of its own.
 */
export function applyUnknownFieldPolicy(
  body: Record<string, unknown>,
  root: RootMessage,
  policy: UnknownFieldPolicy = REJECT_UNKNOWN_FIELDS,
  at = '',
): void {
  const unknown = findUnknownFields(body, root, at);
  if (unknown.length === 0) return;
  if (policy.mode === 'reject') {
    throw Errors.unknownFields(unknown.slice(0, MAX_LISTED_UNKNOWN_FIELDS).map(describeUnknownField));
  }
  for (const u of unknown) {
    delete u.holder[u.name];
    policy.onAccepted?.(pathOf(u.at, u.name));
  }
}
