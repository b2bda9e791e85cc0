import { sendRequest, type OutgoingRequest, type ReplayedResponse } from './send-request.js';

/** gemserve's refusal of a JSON Schema keyword names it: `... uses keyword "pattern" at ...`. */
const REFUSED_KEYWORD = /keyword "([^"]+)"/;

/** At most this many keywords are stripped one after the other before giving up. */
const MAX_PROBES = 12;

/** One refused keyword: gemserve's message and field, and where the keyword sat in the body. */
export interface RefusedKeyword {
  keyword: string;
  message: string;
  field?: string;
  /** Paths in the request body of the schemas using it, e.g. `tools[0].functionDeclarations[0].parametersJsonSchema.properties.color`. */
  at: string[];
}

/** Every keyword gemserve refused in a request's schemas, and its answer once they were all stripped. */
export interface SchemaProbe {
  refused: RefusedKeyword[];
  finalStatus: number;
  finalError?: string;
}

/**
 * gemserve refuses the first schema keyword it cannot enforce. To list all of them, strip the
 * refused keyword from every schema in the body and send again, until the answer is something
 * else. The requests are generations only: nothing is created, so nothing needs mapping.
 */
export async function probeSchemaKeywords(
  base: string, request: OutgoingRequest, first: ReplayedResponse, timeoutMs: number,
): Promise<SchemaProbe | undefined> {
  if (request.body === undefined || refusal(first) === undefined) return undefined;
  const body = JSON.parse(request.body) as Record<string, unknown>;
  const refused: RefusedKeyword[] = [];
  let answer = first;
  for (let r = refusal(answer); r !== undefined && refused.length < MAX_PROBES; r = refusal(answer)) {
    const { keyword } = r;
    if (refused.some((k) => k.keyword === keyword)) break;
    const at = schemasIn(body).flatMap(([path, schema]) => keywordPaths(schema, keyword, path));
    refused.push({ ...r, at });
    for (const [, schema] of schemasIn(body)) stripKeyword(schema, keyword);
    answer = await sendRequest(base, { ...request, body: JSON.stringify(body) }, timeoutMs);
  }
  const final = errorOf(answer);
  return { refused, finalStatus: answer.statusCode, ...(answer.statusCode !== 200 && final ? { finalError: final.message } : {}) };
}

function errorOf(answer: ReplayedResponse): { message: string; field?: string } | undefined {
  const error = (answer.bodySegments[0] as { error?: { message?: string; details?: { fieldViolations?: { field?: string }[] }[] } } | undefined)?.error;
  if (typeof error?.message !== 'string') return undefined;
  const field = error.details?.find((d) => d.fieldViolations)?.fieldViolations?.[0]?.field;
  return { message: error.message, ...(field ? { field } : {}) };
}

function refusal(answer: ReplayedResponse): Omit<RefusedKeyword, 'at'> | undefined {
  if (answer.statusCode !== 400) return undefined;
  const error = errorOf(answer);
  const keyword = REFUSED_KEYWORD.exec(error?.message ?? '')?.[1];
  return keyword === undefined || error === undefined ? undefined : { keyword, ...error };
}

/** The schemas of a GenerateContentRequest with their paths: the response schema and each declaration's parameters and response. */
function schemasIn(body: Record<string, unknown>): [string, unknown][] {
  const config = (body.generationConfig ?? {}) as Record<string, unknown>;
  const found: [string, unknown][] = [];
  for (const key of ['responseSchema', 'responseJsonSchema', '_responseJsonSchema']) {
    if (config[key] !== undefined) found.push([`generationConfig.${key}`, config[key]]);
  }
  ((body.tools ?? []) as { functionDeclarations?: Record<string, unknown>[] }[]).forEach((tool, t) => {
    (tool.functionDeclarations ?? []).forEach((d, i) => {
      for (const key of ['parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema']) {
        if (d[key] !== undefined) found.push([`tools[${t}].functionDeclarations[${i}].${key}`, d[key]]);
      }
    });
  });
  return found;
}

/** Paths of the (sub)schemas that use a keyword. */
function keywordPaths(schema: unknown, keyword: string, path: string): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => keywordPaths(item, keyword, `${path}[${i}]`));
  if (typeof schema !== 'object' || schema === null) return [];
  const o = schema as Record<string, unknown>;
  const here = keyword in o ? [path] : [];
  return here.concat(Object.entries(o).flatMap(([key, value]) => (NAME_MAPS.has(key) && typeof value === 'object' && value !== null
    ? Object.entries(value).flatMap(([name, sub]) => keywordPaths(sub, keyword, `${path}.${key}.${name}`))
    : keywordPaths(value, keyword, `${path}.${key}`))));
}

/** Maps whose keys are names, not keywords: a property called `pattern` is kept. */
const NAME_MAPS = new Set(['properties', '$defs', 'definitions', 'patternProperties']);

function stripKeyword(schema: unknown, keyword: string): void {
  if (Array.isArray(schema)) {
    for (const item of schema) stripKeyword(item, keyword);
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  const o = schema as Record<string, unknown>;
  delete o[keyword];
  for (const [key, value] of Object.entries(o)) {
    if (NAME_MAPS.has(key) && typeof value === 'object' && value !== null) {
      for (const sub of Object.values(value)) stripKeyword(sub, keyword);
    } else {
      stripKeyword(value, keyword);
    }
  }
}
