/**
 * Wire types of the Gemini API (v1beta), as the official SDKs send and read them.
 *
 * This is the one place these shapes are defined. Field names are the proto3-JSON
 * lowerCamelCase forms; requests arriving in snake_case are normalised to these names by
 * `normalize-field-names.ts` before anything else sees them.
 *
 * Sources: google/ai/generativelanguage/v1beta/{generative_service,content,model}.proto and
 * `@google/genai` `src/types.ts`; see shared/docs/GEMINI-API.md §2.
 */

export type Role = 'user' | 'model' | 'function' | 'system';

export interface Blob {
  mimeType: string;
  /** base64 */
  data: string;
}

export interface FileData {
  mimeType?: string;
  fileUri: string;
}

export interface FunctionCall {
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

export interface FunctionResponse {
  id?: string;
  name: string;
  response?: Record<string, unknown>;
  willContinue?: boolean;
  scheduling?: string;
}

export interface ExecutableCode {
  language: 'PYTHON' | 'LANGUAGE_UNSPECIFIED';
  code: string;
  id?: string;
}

export interface CodeExecutionResult {
  outcome: 'OUTCOME_OK' | 'OUTCOME_FAILED' | 'OUTCOME_DEADLINE_EXCEEDED' | 'OUTCOME_UNSPECIFIED';
  output?: string;
  id?: string;
}

export interface VideoMetadata {
  startOffset?: string;
  endOffset?: string;
  fps?: number;
}

/** A Part holds exactly one data field plus optional metadata. */
export interface Part {
  text?: string;
  inlineData?: Blob;
  fileData?: FileData;
  functionCall?: FunctionCall;
  functionResponse?: FunctionResponse;
  executableCode?: ExecutableCode;
  codeExecutionResult?: CodeExecutionResult;
  thought?: boolean;
  /** base64, opaque */
  thoughtSignature?: string;
  videoMetadata?: VideoMetadata;
  /** Per-part media resolution (Gemini 3); overrides `generationConfig.mediaResolution`. */
  mediaResolution?: PartMediaResolution;
}

/** `Part.mediaResolution` (SDK `PartMediaResolution`): a `MEDIA_RESOLUTION_*` level, or a token count. */
export interface PartMediaResolution {
  level?: string;
  numTokens?: number;
}

export interface Content {
  role?: Role;
  parts: Part[];
}

export type SchemaType =
  | 'TYPE_UNSPECIFIED' | 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT' | 'NULL';

/** Gemini's OpenAPI-subset schema. `type` arrives in either case on the wire. */
export interface Schema {
  type?: SchemaType | Lowercase<SchemaType>;
  format?: string;
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  items?: Schema;
  minItems?: string | number;
  maxItems?: string | number;
  properties?: Record<string, Schema>;
  required?: string[];
  minProperties?: string | number;
  maxProperties?: string | number;
  minimum?: number;
  maximum?: number;
  minLength?: string | number;
  maxLength?: string | number;
  pattern?: string;
  example?: unknown;
  anyOf?: Schema[];
  propertyOrdering?: string[];
  default?: unknown;
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Schema;
  parametersJsonSchema?: unknown;
  response?: Schema;
  responseJsonSchema?: unknown;
  behavior?: 'BLOCKING' | 'NON_BLOCKING' | 'UNSPECIFIED';
}

export interface Tool {
  functionDeclarations?: FunctionDeclaration[];
  codeExecution?: Record<string, never>;
  googleSearch?: Record<string, unknown>;
  googleSearchRetrieval?: Record<string, unknown>;
  urlContext?: Record<string, never>;
}

export interface ToolConfig {
  functionCallingConfig?: {
    mode?: 'MODE_UNSPECIFIED' | 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';
    allowedFunctionNames?: string[];
  };
}

export type HarmCategory =
  | 'HARM_CATEGORY_UNSPECIFIED' | 'HARM_CATEGORY_HARASSMENT' | 'HARM_CATEGORY_HATE_SPEECH'
  | 'HARM_CATEGORY_SEXUALLY_EXPLICIT' | 'HARM_CATEGORY_DANGEROUS_CONTENT' | 'HARM_CATEGORY_CIVIC_INTEGRITY';

export type HarmBlockThreshold =
  | 'HARM_BLOCK_THRESHOLD_UNSPECIFIED' | 'BLOCK_LOW_AND_ABOVE' | 'BLOCK_MEDIUM_AND_ABOVE'
  | 'BLOCK_ONLY_HIGH' | 'BLOCK_NONE' | 'OFF';

export interface SafetySetting {
  category: HarmCategory;
  threshold: HarmBlockThreshold;
}

export interface ThinkingConfig {
  thinkingBudget?: number;
  includeThoughts?: boolean;
  thinkingLevel?: 'THINKING_LEVEL_UNSPECIFIED' | 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';
}

export interface GenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  candidateCount?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  responseMimeType?: string;
  responseSchema?: Schema;
  responseJsonSchema?: unknown;
  /** The proto's own spelling of `responseJsonSchema`. */
  _responseJsonSchema?: unknown;
  responseLogprobs?: boolean;
  logprobs?: number;
  responseModalities?: Array<'TEXT' | 'IMAGE' | 'AUDIO' | 'MODALITY_UNSPECIFIED'>;
  mediaResolution?: string;
  speechConfig?: Record<string, unknown>;
  thinkingConfig?: ThinkingConfig;
}

export interface GenerateContentRequest {
  /** Present in countTokens' `generateContentRequest` form and batch requests. */
  model?: string;
  contents: Content[];
  systemInstruction?: Content;
  tools?: Tool[];
  toolConfig?: ToolConfig;
  safetySettings?: SafetySetting[];
  generationConfig?: GenerationConfig;
  cachedContent?: string;
  /** `flex | standard | priority`; newer SDKs send it top-level. */
  serviceTier?: string;
}

export type FinishReason =
  | 'FINISH_REASON_UNSPECIFIED' | 'STOP' | 'MAX_TOKENS' | 'SAFETY' | 'RECITATION' | 'LANGUAGE'
  | 'OTHER' | 'BLOCKLIST' | 'PROHIBITED_CONTENT' | 'SPII' | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY' | 'UNEXPECTED_TOOL_CALL' | 'TOO_MANY_TOOL_CALLS';

export type Modality = 'MODALITY_UNSPECIFIED' | 'TEXT' | 'IMAGE' | 'VIDEO' | 'AUDIO' | 'DOCUMENT';

export interface ModalityTokenCount {
  modality: Modality;
  tokenCount: number;
}

export interface UsageMetadata {
  promptTokenCount: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount: number;
  promptTokensDetails?: ModalityTokenCount[];
  cacheTokensDetails?: ModalityTokenCount[];
  candidatesTokensDetails?: ModalityTokenCount[];
}

export interface Candidate {
  content: Content;
  finishReason?: FinishReason;
  finishMessage?: string;
  index: number;
  avgLogprobs?: number;
  logprobsResult?: LogprobsResult;
}

/** One token and its log probability (`LogprobsResult.Candidate`). */
export interface LogprobsCandidate {
  token: string;
  tokenId: number;
  logProbability: number;
}

/** `Candidate.logprobsResult`: per decoding step, the chosen token and the top alternatives. */
export interface LogprobsResult {
  topCandidates?: Array<{ candidates: LogprobsCandidate[] }>;
  chosenCandidates: LogprobsCandidate[];
  logProbabilitySum?: number;
}

export interface GenerateContentResponse {
  candidates?: Candidate[];
  promptFeedback?: { blockReason?: string; safetyRatings?: unknown[] };
  usageMetadata?: UsageMetadata;
  modelVersion: string;
  responseId: string;
}

export interface CountTokensRequest {
  contents?: Content[];
  generateContentRequest?: GenerateContentRequest;
}

export interface CountTokensResponse {
  totalTokens: number;
  cachedContentTokenCount?: number;
  promptTokensDetails?: ModalityTokenCount[];
}

/**
 * How an embedding will be used (google.ai.generativelanguage.v1beta `TaskType`). Google's
 * models tune the vector for it; a local model has no task heads (see embed-content.ts).
 */
export type EmbeddingTaskType =
  | 'TASK_TYPE_UNSPECIFIED' | 'RETRIEVAL_QUERY' | 'RETRIEVAL_DOCUMENT' | 'SEMANTIC_SIMILARITY'
  | 'CLASSIFICATION' | 'CLUSTERING' | 'QUESTION_ANSWERING' | 'FACT_VERIFICATION' | 'CODE_RETRIEVAL_QUERY';

/** `POST …:embedContent`, and each entry of a batch. Only the text parts of `content` are embedded. */
export interface EmbedContentRequest {
  /** `models/{id}`; required in a batch entry, where it must name the model of the URL. */
  model?: string;
  content: Content;
  taskType?: EmbeddingTaskType;
  /** Only with taskType RETRIEVAL_DOCUMENT. */
  title?: string;
  /** Keep the first N values of the vector (Matryoshka truncation). */
  outputDimensionality?: number;
}

export interface ContentEmbedding {
  values: number[];
}

export interface EmbedContentResponse {
  embedding: ContentEmbedding;
}

/** `POST …:batchEmbedContents`; the SDKs call this even for one text. */
export interface BatchEmbedContentsRequest {
  requests: EmbedContentRequest[];
}

export interface BatchEmbedContentsResponse {
  /** One per request, in request order. */
  embeddings: ContentEmbedding[];
}

/** The `Model` resource of `GET /v1beta/models`. */
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

/**
 * A File of the Files API as it goes on the wire (v1beta file.proto; GEMINI-API.md §2.7):
 * int64 `sizeBytes` is a string, timestamps are RFC 3339 with `Z`, `sha256Hash` is base64.
 * Named `File` as in Google's API; import it under another name where the DOM `File` is used.
 */
export interface File {
  name: string;
  displayName?: string;
  mimeType: string;
  sizeBytes: string;
  createTime: string;
  updateTime: string;
  expirationTime?: string;
  sha256Hash: string;
  uri: string;
  downloadUri?: string;
  state: 'STATE_UNSPECIFIED' | 'PROCESSING' | 'ACTIVE' | 'FAILED';
  source?: 'SOURCE_UNSPECIFIED' | 'UPLOADED' | 'GENERATED' | 'REGISTERED';
  error?: Status;
}

/** `files.list` response; no `nextPageToken` on the last page. */
export interface ListFilesResponse {
  files: File[];
  nextPageToken?: string;
}

/** Body of the resumable upload's `start` request and of `media.upload` (`{file:{…}}`). */
export interface CreateFileRequest {
  file?: {
    name?: string;
    displayName?: string;
    mimeType?: string;
    /** int64: a string from the JS SDK, a number from Python (GEMINI-API.md §1.4). */
    sizeBytes?: string | number;
  };
}

/** The final upload response: `{"file":{…}}`. */
export interface CreateFileResponse {
  file: File;
}

/**
 * A `cachedContents` resource (v1beta cached_content.proto). `contents`, `systemInstruction`,
 * `tools`, `toolConfig` and `ttl` are input only: Google never sends them back (create, get,
 * list and patch all answer without them). `expiration` is a oneof of `expireTime` and `ttl`.
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

/** google.rpc.Status as Google serialises it in error bodies. */
export interface Status {
  code: number;
  message: string;
  status: string;
  details?: Array<Record<string, unknown> & { '@type': string }>;
}

export interface ErrorBody {
  error: Status;
}

/**
 * google.rpc.BadRequest.FieldViolation: which request field is wrong and why. `field` is the
 * proto (snake_case) path, e.g. `generation_config.temperature`; `description` is the whole
 * message Google would send.
 */
export interface FieldViolation {
  field: string;
  description: string;
}

/**
 * google.rpc.Status as it appears inside a resource (a batch's per-request error, a failed
 * Operation): `code` is the gRPC code number (3 INVALID_ARGUMENT, 5 NOT_FOUND, ...), not the HTTP
 * status of error bodies, and there is no `status` name (proto JSON of google.rpc.Status).
 */
export interface RpcStatus {
  code: number;
  message: string;
  details?: Array<Record<string, unknown> & { '@type': string }>;
}

/** `BatchState` of the Batch API (ai.google.dev/api/batch-api). */
export type BatchState =
  | 'BATCH_STATE_UNSPECIFIED' | 'BATCH_STATE_PENDING' | 'BATCH_STATE_RUNNING' | 'BATCH_STATE_SUCCEEDED'
  | 'BATCH_STATE_FAILED' | 'BATCH_STATE_CANCELLED' | 'BATCH_STATE_EXPIRED';

/** One inline request of a batch: the request and the caller's free-form `metadata`, echoed with its result. */
export interface InlinedBatchRequest {
  request: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** `batch.inputConfig`: inline requests or a JSONL File (`files/<id>`), exactly one. */
export interface BatchInputConfig {
  requests?: { requests: InlinedBatchRequest[] };
  fileName?: string;
}

/** The body of `POST …:batchGenerateContent` and `…:asyncBatchEmbedContent`. */
export interface CreateBatchRequest {
  batch: { displayName?: string; inputConfig: BatchInputConfig; priority?: string };
}

/** `BatchStats`; int64 counts are JSON strings, and zero counts are left out (proto3 JSON). */
export interface BatchStats {
  requestCount?: string;
  successfulRequestCount?: string;
  failedRequestCount?: string;
  pendingRequestCount?: string;
}

/** One result of an inline batch: `response` or `error`, with the request's `metadata`. */
export interface InlinedBatchResponse {
  response?: GenerateContentResponse | EmbedContentResponse;
  error?: RpcStatus;
  metadata?: Record<string, unknown>;
}

/** A batch's output: inline results (in request order) or the JSONL File holding them. */
export interface BatchOutput {
  inlinedResponses?: { inlinedResponses: InlinedBatchResponse[] };
  responsesFile?: string;
}

/** One line of a batch's JSONL input File. */
export interface BatchInputLine {
  key?: string;
  request: Record<string, unknown>;
}

/** One line of a batch's JSONL output File: the input line's `key` and its response or error. */
export interface BatchOutputLine {
  key?: string;
  response?: GenerateContentResponse | EmbedContentResponse;
  error?: RpcStatus;
}

/** `GenerateContentBatch` / `EmbedContentBatch`, as the Operation's `metadata` carries it. */
export interface BatchResource {
  '@type': string;
  name: string;
  model: string;
  displayName?: string;
  inputConfig?: BatchInputConfig;
  output?: BatchOutput;
  createTime: string;
  updateTime: string;
  endTime?: string;
  batchStats: BatchStats;
  state: BatchState;
  /** int64 as a string; higher runs first; absent when 0. */
  priority?: string;
}

/** google.longrunning.Operation of a batch: what create, get and list answer. */
export interface BatchOperation {
  name: string;
  metadata: BatchResource;
  done?: boolean;
  response?: BatchOutput & { '@type': string };
  error?: RpcStatus;
}

/** `GET /v1beta/batches`. */
export interface ListBatchesResponse {
  operations?: BatchOperation[];
  nextPageToken?: string;
}
