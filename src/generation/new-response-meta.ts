import { randomBytes } from 'node:crypto';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { ResponseMeta } from '../convert/convert-to-gemini-response.js';

/**
 * A fresh `responseId` (16 random bytes, base64url: 22 characters, the look of Google's ids such
 * as `qS77aMCqBu6mvr0PsJiykAw`) and the `modelVersion` to report: the model id, or for a
 * `-latest` alias its target, as Google reports the model that actually ran (an alias request
 * to `gemini-flash-lite-latest` answers with the concrete model's name, observed).
 */
export function newResponseMeta(entry: CatalogEntry): ResponseMeta {
  return {
    modelVersion: entry.definition.aliasOf ?? entry.definition.id,
    responseId: randomBytes(16).toString('base64url'),
  };
}
