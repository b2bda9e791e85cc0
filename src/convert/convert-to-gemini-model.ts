import type { Model } from '../api/gemini/types.js';
import type { ModelDefinition } from '../core/catalog/gemini-models.js';

/**
 * A catalog definition → the `Model` resource of `GET /v1beta/models[/{id}]`, with the fields
 * and order of Google's ListModels output (observed; the resource: ai.google.dev/api/models).
 * `thinking` appears only on thinking models, as in Google's listing; `baseModelId` is omitted as Google omits it; embedding
 * models carry no sampling fields (nothing is sampled), as in Google's listing.
 */
export function convertToGeminiModel(def: ModelDefinition): Model {
  const model: Model = {
    name: `models/${def.id}`,
    version: def.version,
    displayName: def.displayName,
    description: def.description,
    inputTokenLimit: def.inputTokenLimit,
    outputTokenLimit: def.outputTokenLimit,
    supportedGenerationMethods: [...def.supportedGenerationMethods],
  };
  if (def.embeddingDimensions !== undefined) return model;
  Object.assign(model, {
    temperature: def.temperature,
    topP: def.topP,
    topK: def.topK,
    maxTemperature: def.maxTemperature,
  });
  if (def.thinking) model.thinking = true;
  return model;
}
