import { CONTENT, type Content } from './content.js';
import { defineMessage, field, repeated, type MessageType } from './define-message.js';
import { TOOL, TOOL_CONFIG, type Tool, type ToolConfig } from './tools.js';

/** Context caching (cached_content.proto and cache_service.proto in googleapis/googleapis). */

/**
 * A `cachedContents` resource: the body of `cachedContents.create` and `.patch`, and what they
 * answer. `contents`, `systemInstruction`, `tools`, `toolConfig` and `ttl` are input only: Google
 * never sends them back (create, get, list and patch all answer without them). `expiration` is a
 * oneof of `expireTime` and `ttl`.
 */
export const CACHED_CONTENT = defineMessage('CachedContent', {
  /** `cachedContents/{id}`. */
  name: field.string(),
  /** `models/{model}`. */
  model: field.string(),
  displayName: field.string(),
  contents: repeated(field.message(CONTENT).as<Content>()),
  systemInstruction: field.message(CONTENT).as<Content>(),
  tools: repeated(field.message(TOOL).as<Tool>()),
  toolConfig: field.message(TOOL_CONFIG).as<ToolConfig>(),
  createTime: field.string(),
  updateTime: field.string(),
  /** RFC 3339; always present on output. */
  expireTime: field.string(),
  /** A google.protobuf.Duration in JSON, e.g. `"300s"` or `"1.5s"`; input only. */
  ttl: field.string(),
  usageMetadata: field.struct<{ totalTokenCount: number }>(),
});
export interface CachedContent extends MessageType<typeof CACHED_CONTENT> {}

/** `cachedContents.list` response; no `nextPageToken` on the last page. */
export interface ListCachedContentsResponse {
  cachedContents: CachedContent[];
  nextPageToken?: string;
}
