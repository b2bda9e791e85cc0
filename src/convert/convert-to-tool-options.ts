import { lowercaseJsonSchemaTypes } from './lowercase-json-schema-types.js';
import type { FunctionDeclaration, Tool, ToolConfig } from '../api/gemini/types.js';
import type { FunctionSpec, ToolOptions } from '../core/engine.js';
import { convertGeminiSchemaToJsonSchema, type JsonSchema } from './convert-gemini-schema-to-json-schema.js';

/**
 * `tools[].functionDeclarations` + `toolConfig.functionCallingConfig` → the engine's
 * `ToolOptions`, or undefined when the model may not call anything (no declarations, or mode
 * NONE). Modes (`FunctionCallingConfig.Mode`, content.proto): AUTO (the default) and VALIDATED
 * let the model choose between text and calls — gemserve constrains every call by grammar, so VALIDATED is AUTO;
 * ANY forces calls. `allowedFunctionNames` narrows the functions offered (ANY and VALIDATED).
 * Assumes the declarations and the config were validated (names, schemas, modes:
 * src/api/gemini/validate-function-calling.ts), with the request or, for a cache's tools, when
 * the cache was created.
 */
export function convertToToolOptions(tools: Tool[] | undefined, toolConfig: ToolConfig | undefined): ToolOptions | undefined {
  const functions = (tools ?? []).flatMap((tool) => (tool.functionDeclarations ?? []).map(convertDeclaration));
  const config = toolConfig?.functionCallingConfig;
  const mode = config?.mode ?? 'MODE_UNSPECIFIED';
  if (mode === 'NONE' || functions.length === 0) return undefined;
  const allowed = config?.allowedFunctionNames;
  const offered = allowed && allowed.length > 0 ? functions.filter((f) => allowed.includes(f.name)) : functions;
  return { functions: offered, mode: mode === 'ANY' ? 'any' : 'auto' };
}

function convertDeclaration(d: FunctionDeclaration): FunctionSpec {
  const parameters = d.parametersJsonSchema !== undefined
    ? lowercaseJsonSchemaTypes(d.parametersJsonSchema) as JsonSchema
    : d.parameters !== undefined ? convertGeminiSchemaToJsonSchema(d.parameters) : undefined;
  return { name: d.name, ...(d.description ? { description: d.description } : {}), ...(parameters ? { parameters } : {}) };
}
