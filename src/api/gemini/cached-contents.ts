import type { Content } from './content.js';
import type { Tool, ToolConfig } from './tools.js';

/** Context caching (cached_content.proto and cache_service.proto in googleapis/googleapis). */

/**
 * A `cachedContents` resource. `contents`, `systemInstruction`, `tools`, `toolConfig` and `ttl`
 * are input only: Google never sends them back (create, get, list and patch all answer without
 * them). `expiration` is a oneof of `expireTime` and `ttl`.
 */
export interface CachedContent {
  /** `cachedContents/{id}`. */
  name?: string;
  /** `models/{model}`. */
  model?: string;
  displayName?: string;
  contents?: Content[];
  systemInstruction?: Content;
  tools?: Tool[];
  toolConfig?: ToolConfig;
  createTime?: string;
  updateTime?: string;
  /** RFC 3339; always present on output. */
  expireTime?: string;
  /** A google.protobuf.Duration in JSON, e.g. `"300s"` or `"1.5s"`; input only. */
  ttl?: string;
  usageMetadata?: { totalTokenCount: number };
}

/** `cachedContents.list` response; no `nextPageToken` on the last page. */
export interface ListCachedContentsResponse {
  cachedContents: CachedContent[];
  nextPageToken?: string;
}
