import type { GenerateContentRequest, GenerationConfig, Tool } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import { Errors } from '../core/errors.js';

/**
 * Throws a 400 for anything the request asks for that the model or its engine cannot do.
 * Never a silent downgrade: an app that asked for JSON, a tool call or an image must learn
 * that it will not get one, rather than receive plain text and misparse it.
 *
 * The checks read the engine's capabilities (structured output, function calling, logprobs,
 * thinking) and `features`, what this server offers beside engines (a code-execution sandbox).
 * Media *inputs* are checked earlier, by the media step (src/media/resolve-media-parts.ts), which
 * knows each part's real type and the engine's `inputModalities` (an image for an engine that
 * does not see is refused there, naming the part).
 */
export function refuseUnsupportedFeatures(req: GenerateContentRequest, entry: CatalogEntry, features: ServerFeatures = {}): void {
  refuseUnsupportedInputs(req, entry, features);
  const declaresFunctions = (req.tools ?? []).some((t) => (t.functionDeclarations?.length ?? 0) > 0);
  if (declaresFunctions && req.generationConfig?.responseMimeType === 'application/json') {
    // Gemini 2.x's own answer to this combination (verbatim in public reports).
    throw Errors.invalidArgument("Function calling with a response mime type: 'application/json' is unsupported", 'generation_config.response_mime_type');
  }
  refuseGenerationConfig(req.generationConfig, entry);
}

/** What the server offers beside its engines. */
export interface ServerFeatures {
  /** A sandbox to run the code-execution tool's Python in (src/sandbox/); absent, the tool is refused. */
  codeExecution?: boolean;
}

/**
 * The part of the checks that also applies to countTokens: inputs gemserve cannot count (tool
 * declarations its engines cannot take). A `cachedContent` is merged in before conversion
 * (http/apply-cached-content.ts), which answers Google's 403 for one it does not have.
 */
export function refuseUnsupportedInputs(req: GenerateContentRequest, entry: CatalogEntry, features: ServerFeatures = {}): void {
  for (const tool of req.tools ?? []) refuseTool(tool, entry, features);
}

/** Google-hosted tools, by their field in `Tool`, and how to name them in the refusal. */
const SERVER_TOOLS: Array<[string, string]> = [
  ['googleSearch', 'Grounding with Google Search (tools.googleSearch)'],
  ['googleSearchRetrieval', 'Grounding with Google Search (tools.googleSearchRetrieval)'],
  ['urlContext', 'URL context (tools.urlContext)'],
  ['computerUse', 'Computer use (tools.computerUse)'],
  ['fileSearch', 'File search (tools.fileSearch)'],
  ['googleMaps', 'Grounding with Google Maps (tools.googleMaps)'],
  ['mcpServers', 'MCP servers (tools.mcpServers)'],
  // Vertex AI's tools, which both SDKs' `Tool` type has (src/api/gemini/tools.ts).
  ['retrieval', 'Retrieval (tools.retrieval)'],
  ['enterpriseWebSearch', 'Enterprise web search (tools.enterpriseWebSearch)'],
  ['parallelAiSearch', 'Parallel AI search (tools.parallelAiSearch)'],
  ['exaAiSearch', 'Exa AI search (tools.exaAiSearch)'],
];

function refuseTool(tool: Tool, entry: CatalogEntry, features: ServerFeatures): void {
  const model = entry.definition.id;
  if (tool.functionDeclarations && tool.functionDeclarations.length > 0 && !entry.engine.capabilities.functionCalling) {
    throw Errors.capabilityUnsupported(model, 'Function calling (tools.functionDeclarations)');
  }
  if (tool.codeExecution !== undefined && !features.codeExecution) {
    throw Errors.capabilityUnsupported(model, 'Code execution (tools.codeExecution): no sandbox on this server (install bubblewrap and python3)');
  }
  const t = tool as Record<string, unknown>;
  for (const [key, label] of SERVER_TOOLS) {
    if (t[key] !== undefined) throw Errors.hostedToolUnsupported(label);
  }
}

/** Google's list of response MIME types (verified error text of generation_config.response_mime_type). */
const KNOWN_MIME_TYPES = ['text/plain', 'application/json', 'application/xml', 'application/yaml', 'text/x.enum'];

function refuseGenerationConfig(c: GenerationConfig | undefined, entry: CatalogEntry): void {
  if (!c) return;
  const def = entry.definition;
  const model = def.id;

  if (c.candidateCount !== undefined && c.candidateCount > entry.engine.capabilities.maxCandidates) {
    throw Errors.capabilityUnsupported(model, `candidateCount ${c.candidateCount} (at most ${entry.engine.capabilities.maxCandidates})`);
  }

  const wanted = (c.responseModalities ?? []).filter((m) => m !== 'MODALITY_UNSPECIFIED');
  const beyondText = wanted.filter((m) => m !== 'TEXT');
  if (beyondText.length > 0) {
    if (beyondText.some((m) => !def.outputModalities.includes(m as 'IMAGE' | 'AUDIO'))) {
      // Google's text for a combination the model does not offer (seen verbatim in public logs).
      throw Errors.invalidArgument(
        `The requested combination of response modalities (${wanted.join(', ')}) is not supported by the model. ` +
          `models/${model} accepts the following combination of response modalities:\n* ${def.outputModalities.join(', ')}\n`,
        'generation_config.response_modalities',
      );
    }
    throw Errors.capabilityUnsupported(model, `Output of type ${beyondText.join(', ')} (responseModalities)`);
  }

  const mime = c.responseMimeType;
  if (mime !== undefined && mime !== '' && !KNOWN_MIME_TYPES.includes(mime)) {
    throw Errors.invalidArgument(
      '* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are `text/plain`, ' +
        '`application/json`, `application/xml`, `application/yaml` and `text/x.enum`.\n',
      'generation_config.response_mime_type',
    );
  }
  const structured = (mime && mime !== 'text/plain') || c.responseSchema || c.responseJsonSchema || c._responseJsonSchema;
  if (structured) {
    // JSON and enum output are constrained decoding (convert-to-response-format.ts); XML and YAML have none.
    if (!entry.engine.capabilities.structuredOutput || mime === 'application/xml' || mime === 'application/yaml') {
      throw Errors.capabilityUnsupported(model, `Structured output (responseMimeType ${mime ?? 'with a schema'})`);
    }
    if (mime !== 'application/json' && mime !== 'text/x.enum') {
      // A schema with text/plain or no MIME type: nothing would be constrained; say what would.
      throw Errors.invalidArgument(
        'responseSchema and responseJsonSchema need responseMimeType `application/json` (or `text/x.enum` for an enum).',
        'generation_config.response_mime_type');
    }
  }

  // Log probabilities and thinking are checked where they are converted
  // (convert-to-logprobs-options.ts, convert-to-thinking-options.ts).
}
