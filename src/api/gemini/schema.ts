import { anyCase, defineEnum, defineMessage, field, map, repeated, type EnumValue, type MessageType } from './define-message.js';

/**
 * Gemini's OpenAPI-subset `Schema` (content.proto in googleapis/googleapis, `Schema` in
 * `@google/genai` `src/types.ts`): function parameters and `generationConfig.responseSchema`.
 */

export const SCHEMA_TYPE = defineEnum('Type', [
  'TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL',
]);
export type SchemaType = EnumValue<typeof SCHEMA_TYPE>;

export const SCHEMA = defineMessage('Schema', {
  /** Arrives in either case on the wire. */
  type: anyCase(field.enum(SCHEMA_TYPE)),
  format: field.string(),
  title: field.string(),
  description: field.string(),
  nullable: field.bool(),
  enum: repeated(field.string()),
  items: field.self<Schema>(),
  minItems: field.int64(),
  maxItems: field.int64(),
  /** Keys are the user's property names, never renamed. */
  properties: map(field.self<Schema>()),
  required: repeated(field.string()),
  minProperties: field.int64(),
  maxProperties: field.int64(),
  minimum: field.float(),
  maximum: field.float(),
  minLength: field.int64(),
  maxLength: field.int64(),
  pattern: field.string(),
  example: field.value(),
  anyOf: repeated(field.self<Schema>()),
  propertyOrdering: repeated(field.string()),
  default: field.value(),
  // JSON Schema's own keywords that python-genai's `Schema` type has (`additional_properties`,
  // `defs`, `ref`), and that @ai-sdk/google's convertJSONSchemaToOpenAPISchema emits (`allOf`,
  // `oneOf`): known, so the request an SDK builds is not refused for them; no local code reads them.
  additionalProperties: field.value(),
  defs: map(field.self<Schema>()),
  ref: field.string(),
  allOf: repeated(field.self<Schema>()),
  oneOf: repeated(field.self<Schema>()),
});
export interface Schema extends MessageType<typeof SCHEMA> {}
