import { checkFieldTypes } from '../api/gemini/check-field-types.js';
import { normalizeFieldNames } from '../api/gemini/normalize-field-names.js';
import type { CountTokensRequest, FieldViolation, GenerateContentRequest } from '../api/gemini/types.js';
import { validateCountTokensRequest } from '../api/gemini/validate-count-tokens-request.js';
import { validateGenerateContentRequest } from '../api/gemini/validate-generate-content-request.js';
import { Errors } from '../core/errors.js';
import { applyUnknownFieldPolicy, type UnknownFieldPolicy } from './unknown-field-policy.js';

/**
 * The "parse and validate" step of the generate handlers: fields the message does not have
 * refused as Google refuses them (or dropped, as `unknownFields` says), snake_case names
 * normalised, every field the server reads type-checked (numbers-as-strings coerced), then the
 * API's own rules. The first violation becomes a 400 INVALID_ARGUMENT naming the field
 * (BadRequest detail).
 */
export function parseGenerateContentRequest(body: unknown, unknownFields?: UnknownFieldPolicy): GenerateContentRequest {
  const obj = asObject(body);
  applyUnknownFieldPolicy(obj, 'GenerateContentRequest', unknownFields);
  normalizeFieldNames(obj, 'GenerateContentRequest');
  const req = obj as unknown as GenerateContentRequest;
  throwIf(checkFieldTypes(obj, 'GenerateContentRequest') ?? validateGenerateContentRequest(req));
  return req;
}

/** Same for countTokens, in either of its two shapes. */
export function parseCountTokensRequest(body: unknown, unknownFields?: UnknownFieldPolicy): CountTokensRequest {
  const obj = asObject(body);
  applyUnknownFieldPolicy(obj, 'CountTokensRequest', unknownFields);
  normalizeFieldNames(obj, 'CountTokensRequest');
  const req = obj as unknown as CountTokensRequest;
  throwIf(checkFieldTypes(obj, 'CountTokensRequest') ?? validateCountTokensRequest(req));
  return req;
}

function asObject(body: unknown): Record<string, unknown> {
  // The body parser guarantees an object for any POST with a body; no body at all is `{}`.
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
}

function throwIf(v: FieldViolation | undefined): void {
  if (v) throw Errors.invalidArgument(v.description, v.field || undefined);
}
