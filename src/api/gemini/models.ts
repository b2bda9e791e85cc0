/** The `Model` resource of `GET /v1beta/models` (model.proto in googleapis/googleapis). */
export interface Model {
  name: string;
  baseModelId?: string;
  version: string;
  displayName: string;
  description: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
  supportedGenerationMethods: string[];
  temperature?: number;
  maxTemperature?: number;
  topP?: number;
  topK?: number;
  thinking?: boolean;
}

export interface ListModelsResponse {
  models: Model[];
  nextPageToken?: string;
}
