import type { FunctionDeclaration, Tool, ToolConfig } from '../api/gemini/types.js';
import type { FunctionSpec, ToolOptions } from '../core/engine.js';
import { Errors } from '../core/errors.js';
import { convertGeminiSchemaToJsonSchema } from './convert-gemini-schema-to-json-schema.js';

/**
 * Function names Gemini accepts (generativelanguage v1beta `FunctionDeclaration.name`: "Must be
 * a-z, A-Z, 0-9, or contain underscores, colons, dots, and dashes, with a maximum length of
 * 64"; the error text Google returns also says it must start with a letter or an underscore).
 */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

/**
 * `tools[].functionDeclarations` + `toolConfig.functionCallingConfig` → the engine's
 * `ToolOptions`, or undefined when the model may not call anything (no declarations, or mode
 * NONE). Modes (`FunctionCallingConfig.Mode`, content.proto): AUTO (the default) and VALIDATED
 * let the model choose between text and calls — gemserve constrains every call by grammar, so VALIDATED is AUTO;
 * ANY forces calls. `allowedFunctionNames` narrows the functions offered (ANY and VALIDATED).
 */
export function convertToToolOptions(tools: Tool[] | undefined, toolConfig: ToolConfig | undefined): ToolOptions | undefined {
  const declarations: Array<[FunctionDeclaration, string]> = [];
  (tools ?? []).forEach((tool, t) => {
    (tool.functionDeclarations ?? []).forEach((d, i) => declarations.push([d, `tools[${t}].function_declarations[${i}]`]));
  });
  const config = toolConfig?.functionCallingConfig;
  const mode = config?.mode ?? 'MODE_UNSPECIFIED';
  const allowed = config?.allowedFunctionNames;
  const seen = new Set<string>();
  const functions = declarations.map(([d, path]) => {
    const spec = convertDeclaration(d, path);
    if (seen.has(spec.name)) throw Errors.invalidArgument(`Duplicate function declaration found: ${spec.name}`, `${path}.name`);
    seen.add(spec.name);
    return spec;
  });

  if (allowed && allowed.length > 0) {
    if (mode !== 'ANY' && mode !== 'VALIDATED') {
      throw Errors.invalidArgument(
        'allowed_function_names can only be set when the function calling mode is ANY or VALIDATED.',
        'tool_config.function_calling_config.allowed_function_names');
    }
    for (const name of allowed) {
      if (!seen.has(name)) {
        throw Errors.invalidArgument(
          `allowed_function_names contains "${name}", which is not a declared function.`,
          'tool_config.function_calling_config.allowed_function_names');
      }
    }
  }
  if (mode === 'NONE' || functions.length === 0) {
    if (mode === 'ANY') {
      throw Errors.invalidArgument(
        'Function calling mode ANY needs at least one function declaration.', 'tool_config.function_calling_config.mode');
    }
    return undefined;
  }
  const offered = allowed && allowed.length > 0 ? functions.filter((f) => allowed.includes(f.name)) : functions;
  return { functions: offered, mode: mode === 'ANY' ? 'any' : 'auto' };
}

function convertDeclaration(d: FunctionDeclaration, path: string): FunctionSpec {
  if (typeof d.name !== 'string' || !FUNCTION_NAME.test(d.name)) {
    throw Errors.invalidArgument(
      `* GenerateContentRequest.${path}.name: Invalid function name. Must start with a letter or an underscore. ` +
        'Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n',
      `${path}.name`);
  }
  if (d.parameters !== undefined && d.parametersJsonSchema !== undefined) {
    throw Errors.invalidArgument(
      `parameters and parametersJsonSchema cannot both be set (function ${d.name}).`, `${path}.parameters_json_schema`);
  }
  let parameters: object | undefined;
  if (d.parametersJsonSchema !== undefined) {
    const json = d.parametersJsonSchema;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw Errors.invalidArgument(`parametersJsonSchema of function ${d.name} must be a JSON Schema object.`, `${path}.parameters_json_schema`);
    }
    parameters = json;
  } else if (d.parameters !== undefined) {
    parameters = convertGeminiSchemaToJsonSchema(d.parameters, `${path}.parameters`);
  }
  return { name: d.name, ...(d.description ? { description: d.description } : {}), ...(parameters ? { parameters } : {}) };
}
