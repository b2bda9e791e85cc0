import type { CachedContent } from '../api/gemini/types.js';
import type { CachedContentRecord } from '../storage/cached-contents/cached-content-record.js';

/**
 * A stored cached content → its wire form, as create, get, list and patch all answer: name,
 * model, times (RFC 3339, UTC) and the token count, `displayName` only when one was given. The
 * cached parts are input only in Google's API (cached_content.proto: "Input only. Immutable."),
 * so they never go back out.
 */
export function convertToGeminiCachedContent(record: CachedContentRecord): CachedContent {
  return {
    name: `cachedContents/${record.id}`,
    model: `models/${record.model}`,
    ...(record.displayName !== undefined ? { displayName: record.displayName } : {}),
    createTime: new Date(record.createTime).toISOString(),
    updateTime: new Date(record.updateTime).toISOString(),
    expireTime: new Date(record.expireTime).toISOString(),
    usageMetadata: { totalTokenCount: record.totalTokenCount },
  };
}
