import { Errors } from '../core/errors.js';

/**
 * Paging of the list methods (files.list, cachedContents.list, batches.list): Google's
 * `pageSize`/`pageToken` query parameters, read the same way everywhere.
 */

/** A query parameter's value; the first when it was repeated. */
export function queryValue(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

/** A list's page sizes: used when none (or 0) is asked for, and the most one page holds. */
export interface PageSizes {
  defaultSize: number;
  maxSize: number;
}

/** `pageSize` as Google reads it: an int32, negative refused, 0 or absent the default, capped at the maximum. */
export function pageSizeOf(v: unknown, sizes: PageSizes): number {
  if (v === undefined || v === '') return sizes.defaultSize;
  if (typeof v !== 'string' || !/^-?\d{1,10}$/.test(v)) {
    throw Errors.invalidArgument(`Invalid value at 'page_size' (TYPE_INT32), ${JSON.stringify(v)}`, 'page_size');
  }
  const n = Number(v);
  if (n < 0) throw Errors.invalidArgument('page_size must be non-negative.', 'page_size');
  return n === 0 ? sizes.defaultSize : Math.min(n, sizes.maxSize);
}

/** A record of a newest-first list: by create time, newest first, then by id. */
export interface Listed {
  createTime: number;
  id: string;
}

/**
 * The opaque token of the page after `last`: base64url of its create time and id behind a tag
 * naming the list, so records created or deleted between two pages neither repeat nor skip others.
 */
export function pageTokenAfter(tag: string, last: Listed): string {
  return Buffer.from(`${tag}${last.createTime}.${last.id}`).toString('base64url');
}

/** Where the page a token names starts in `all` (newest first); a token not made by `pageTokenAfter(tag)` is a 400. */
export function pageStartOf(token: unknown, tag: string, all: readonly Listed[]): number {
  if (token === undefined || token === '') return 0;
  const m = typeof token === 'string' ? /^([a-z])(\d{1,16})\.([a-z0-9-]{1,40})$/.exec(Buffer.from(token, 'base64url').toString('latin1')) : null;
  if (!m || m[1] !== tag) throw Errors.invalidArgument('Invalid page token.', 'page_token');
  const time = Number(m[2]);
  const id = m[3];
  const i = all.findIndex((r) => r.createTime < time || (r.createTime === time && r.id > id));
  return i === -1 ? all.length : i;
}
