/**
 * A JSON Schema with its `type` names in JSON Schema's spelling (`"OBJECT"` → `"object"`, in type
 * lists too). Google accepts the upper-case names of its own Schema (`Type` enum:
 * ai.google.dev/api/caching#Type) in `responseJsonSchema` and `parametersJsonSchema` as well:
 * gemini-cli's model router sends `{"type": "OBJECT", ...}` as its `responseJsonSchema`
 * (google-gemini/gemini-cli, packages/core/src/routing/strategies/classifierStrategy.ts) and
 * Google answers it. Values that are data, not schemas (`const`, `enum`, `default`, `examples`),
 * and property names are left as they are.
 */
export function lowercaseJsonSchemaTypes<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s) => lowercaseJsonSchemaTypes(s)) as T;
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => {
    if (k === 'type' && typeof v === 'string') return [k, v.toLowerCase()];
    if (k === 'type' && Array.isArray(v) && v.every((t) => typeof t === 'string')) return [k, v.map((t: string) => t.toLowerCase())];
    if (k === 'const' || k === 'enum' || k === 'default' || k === 'examples') return [k, v];
    return [k, lowercaseJsonSchemaTypes(v)];
  })) as T;
}
