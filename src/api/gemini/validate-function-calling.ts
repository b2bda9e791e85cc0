import type { FieldViolation } from './status.js';
import type { FunctionDeclaration, Tool, ToolConfig } from './tools.js';
import { validateJsonSchema } from './validate-json-schema.js';
import { isJsonObject, validateSchema } from './validate-schema.js';

/**
 * Function names Gemini accepts (generativelanguage v1beta `FunctionDeclaration.name`: "Must be
 * a-z, A-Z, 0-9, or contain underscores, colons, dots, and dashes, with a maximum length of
 * 64"; the error text Google returns also says it must start with a letter or an underscore).
 */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;

const ALLOWED_NAMES = 'tool_config.function_calling_config.allowed_function_names';

/**
 * The API's rules on `tools[].functionDeclarations` and `toolConfig.functionCallingConfig`
 * (content.proto): each declaration has a valid name, at most one of `parameters` and
 * `parametersJsonSchema` ("mutually exclusive"), a JSON Schema that is an object meeting
 * validateJsonSchema (validate-json-schema.ts) and a `parameters` that meets
 * {@link validateSchema}; names are unique; `allowed_function_names`
 * "should only be set when the Mode is ANY or VALIDATED" and names declared functions; mode ANY
 * ("always predicting a function call") needs a declaration.
 *
 * Declarations are checked in order, each before the next, as they are converted. The paths
 * start at `tools` and the invalid-name text names `GenerateContentRequest`, whatever request
 * holds the tools (countTokens' `generate_content_request`, a cached content): that is how
 * gemserve has always reported them.
 */
export function validateFunctionCalling(tools: Tool[] | undefined, toolConfig: ToolConfig | undefined): FieldViolation | undefined {
  const declared = new Set<string>();
  for (const [t, tool] of (tools ?? []).entries()) {
    for (const [i, d] of (tool.functionDeclarations ?? []).entries()) {
      const path = `tools[${t}].function_declarations[${i}]`;
      const bad = validateDeclaration(d, path);
      if (bad) return bad;
      if (declared.has(d.name)) return { field: `${path}.name`, description: `Duplicate function declaration found: ${d.name}` };
      declared.add(d.name);
    }
  }
  const config = toolConfig?.functionCallingConfig;
  const mode = config?.mode ?? 'MODE_UNSPECIFIED';
  const allowed = config?.allowedFunctionNames ?? [];
  if (allowed.length > 0 && mode !== 'ANY' && mode !== 'VALIDATED') {
    return { field: ALLOWED_NAMES, description: 'allowed_function_names can only be set when the function calling mode is ANY or VALIDATED.' };
  }
  const unknown = allowed.find((name) => !declared.has(name));
  if (unknown !== undefined) {
    return { field: ALLOWED_NAMES, description: `allowed_function_names contains "${unknown}", which is not a declared function.` };
  }
  if (mode === 'ANY' && declared.size === 0) {
    return { field: 'tool_config.function_calling_config.mode', description: 'Function calling mode ANY needs at least one function declaration.' };
  }
  return undefined;
}

function validateDeclaration(d: FunctionDeclaration, path: string): FieldViolation | undefined {
  // `name` is required by the proto but may be absent on the wire.
  if (typeof d.name !== 'string' || !FUNCTION_NAME.test(d.name)) {
    return {
      field: `${path}.name`,
      description: `* GenerateContentRequest.${path}.name: Invalid function name. Must start with a letter or an underscore. ` +
        'Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:), or dashes (-), with a maximum length of 64.\n',
    };
  }
  if (d.parameters !== undefined && d.parametersJsonSchema !== undefined) {
    return { field: `${path}.parameters_json_schema`, description: `parameters and parametersJsonSchema cannot both be set (function ${d.name}).` };
  }
  if (d.parametersJsonSchema !== undefined) {
    if (!isJsonObject(d.parametersJsonSchema)) {
      return { field: `${path}.parameters_json_schema`, description: `parametersJsonSchema of function ${d.name} must be a JSON Schema object.` };
    }
    return validateJsonSchema(d.parametersJsonSchema, `${path}.parameters_json_schema`);
  }
  return d.parameters !== undefined ? validateSchema(d.parameters, `${path}.parameters`) : undefined;
}
