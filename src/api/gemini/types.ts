/**
 * Wire types of the Gemini API (v1beta), as the official SDKs send and read them: one import
 * for all of them. Each is defined once, in the file of its resource; request messages are
 * derived from their tables (see `define-message.ts`), so the checks and the types cannot drift.
 *
 * Field names are the proto3-JSON lowerCamelCase forms; requests arriving in snake_case are
 * normalised to these names by `normalize-field-names.ts` before anything else sees them.
 */
export type * from './batches.js';
export type * from './cached-contents.js';
export type * from './content.js';
export type * from './count-tokens.js';
export type * from './embeddings.js';
export type * from './files.js';
export type * from './generate-content.js';
export type * from './generation-config.js';
export type * from './models.js';
export type * from './safety.js';
export type * from './schema.js';
export type * from './status.js';
export type * from './tools.js';
