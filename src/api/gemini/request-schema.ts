import { ASYNC_BATCH_EMBED_CONTENT_REQUEST, BATCH_GENERATE_CONTENT_REQUEST } from './batches.js';
import { CACHED_CONTENT } from './cached-contents.js';
import { COUNT_TOKENS_REQUEST } from './count-tokens.js';
import type { FieldSpec, MessageSpec } from './define-message.js';
import { BATCH_EMBED_CONTENTS_REQUEST, EMBED_CONTENT_REQUEST } from './embeddings.js';
import { CREATE_FILE_REQUEST } from './files.js';
import { GENERATE_CONTENT_REQUEST } from './generate-content.js';

/**
 * Where the walkers start: the request messages a body is parsed as. Each message's table lives
 * with its resource (`content.ts`, `tools.ts`, `generation-config.ts`, ...) and is both the
 * TypeScript interface of that message and the data that drives `normalize-field-names.ts`
 * (snake → camel) and `check-field-types.ts` (proto3-JSON typing), so they never disagree about
 * which keys are message fields and which are user data.
 *
 * Sources: google/ai/generativelanguage/v1beta/{generative_service,content,safety}.proto in
 * googleapis/googleapis, and `@google/genai` `src/types.ts` for fields newer than the protos.
 *
 * The tables are also what "known field" means (`find-unknown-fields.ts`): every field of the
 * request types of the current SDKs (js-genai and python-genai `types`, and what their
 * `*ToMldev` converters put on the wire), plus the fields older clients send (@google/generative-ai,
 * @ai-sdk/google, @langchain/google-genai), so no request an SDK builds is refused for its shape.
 */

export type { EnumSpec, FieldSpec, FieldType, MessageSpec } from './define-message.js';

/** Google's type URL prefix; error texts name message and enum types with it. */
export const TYPE_URL_PREFIX = 'type.googleapis.com/google.ai.generativelanguage.v1beta.';

const ROOTS = {
  GenerateContentRequest: GENERATE_CONTENT_REQUEST,
  CountTokensRequest: COUNT_TOKENS_REQUEST,
  EmbedContentRequest: EMBED_CONTENT_REQUEST,
  BatchEmbedContentsRequest: BATCH_EMBED_CONTENTS_REQUEST,
  /** The body of cachedContents.create and .patch. */
  CachedContent: CACHED_CONTENT,
  BatchGenerateContentRequest: BATCH_GENERATE_CONTENT_REQUEST,
  AsyncBatchEmbedContentRequest: ASYNC_BATCH_EMBED_CONTENT_REQUEST,
  /** The metadata of an upload's start. */
  CreateFileRequest: CREATE_FILE_REQUEST,
} satisfies Record<string, MessageSpec>;

/** Names of the request messages callers start a walk from. */
export type RootMessage = keyof typeof ROOTS;

/** The spec of a request message a walk starts from. */
export function messageSpec(root: RootMessage): MessageSpec {
  return ROOTS[root];
}

/** Every message reachable from the roots, by name (for tests and tooling). */
export function reachableMessages(): ReadonlyMap<string, MessageSpec> {
  const seen = new Map<string, MessageSpec>();
  const visit = (spec: MessageSpec) => {
    if (seen.has(spec.name)) return;
    seen.set(spec.name, spec);
    for (const f of spec.fields.values()) {
      const next = messageOf(f);
      if (next) visit(next);
    }
  };
  for (const root of Object.values(ROOTS)) visit(root);
  return seen;
}

/** The message a field holds, or undefined for scalars, enums and user JSON. */
export function messageOf(field: FieldSpec): MessageSpec | undefined {
  return typeof field.type === 'object' && 'message' in field.type ? field.type.message : undefined;
}

/**
 * Deepest message nesting a walk follows (Schema.items can nest without end). Protobuf's own
 * parsers stop at a recursion limit of 100 as well.
 */
export const MAX_NESTING = 100;
