/** The parts of a request body a difference is about, shown with its example in the report. */

/** A body's generationConfig, or an empty one. */
export const generationConfig = (b: Record<string, unknown>) => (b.generationConfig ?? {}) as Record<string, unknown>;

/** The thinkingConfig of a body. */
export function thinkingExcerpt(b: Record<string, unknown>): unknown {
  return { generationConfig: { thinkingConfig: generationConfig(b).thinkingConfig } };
}

/** The tools of a body and its toolConfig (the mode matters: some refusals happen even in AUTO). */
export function toolsExcerpt(b: Record<string, unknown>): unknown {
  return { tools: b.tools, ...(b.toolConfig ? { toolConfig: b.toolConfig } : {}) };
}

/** The schemas in a body, where they sat: generationConfig's responseSchema / responseJsonSchema and the declarations' parameters. */
export function schemasExcerpt(b: Record<string, unknown>): unknown {
  const gc = generationConfig(b);
  const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  const declarations = ((b.tools ?? []) as { functionDeclarations?: Record<string, unknown>[] }[])
    .flatMap((t) => t.functionDeclarations ?? [])
    .map((d) => pick(d, ['name', 'parameters', 'parametersJsonSchema']));
  const config = pick(gc, ['responseMimeType', 'responseSchema', 'responseJsonSchema']);
  return {
    ...(Object.keys(config).length > 0 ? { generationConfig: config } : {}),
    ...(declarations.length > 0 ? { tools: [{ functionDeclarations: declarations }] } : {}),
  };
}

/** The value at `a.b[0].c` in a body (the paths the schema probe reports). */
export function valueAtPath(body: unknown, path: string): unknown {
  return path.split(/\.|(?=\[)/).reduce<unknown>((value, step) => {
    if (typeof value !== 'object' || value === null) return undefined;
    const index = /^\[(\d+)\]$/.exec(step);
    return index ? (value as unknown[])[Number(index[1])] : (value as Record<string, unknown>)[step];
  }, body);
}

/** `tools[0].functionDeclarations[1].parametersJsonSchema.properties.x` → `tools[].functionDeclarations[].parametersJsonSchema`. */
export function schemaRoot(path: string): string {
  return /^(generationConfig\.\w+|tools\[\d+\]\.functionDeclarations\[\d+\]\.\w+)/.exec(path)?.[1].replace(/\[\d+\]/g, '[]') ?? path;
}
