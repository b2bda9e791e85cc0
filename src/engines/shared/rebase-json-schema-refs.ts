/**
 * `schema` ready to sit at `base` (a JSON Pointer fragment such as `#/$defs/get_weather`) inside
 * a larger schema: every local `$ref` (`#`, `#/...`) is rewritten to point under `base`, so it
 * names the same subschema once the larger schema holds `schema` there. Anchors (`#name`) and
 * other references are left as they are (anchors are found anywhere in a document).
 */
export function rebaseJsonSchemaRefs(schema: unknown, base: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => rebaseJsonSchemaRefs(s, base));
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => {
    if (k === '$ref' && typeof v === 'string' && (v === '#' || v.startsWith('#/'))) return [k, base + v.slice(1)];
    // Values of annotations and enums are data, not schemas.
    if (k === 'const' || k === 'enum' || k === 'default' || k === 'examples') return [k, v];
    return [k, rebaseJsonSchemaRefs(v, base)];
  }));
}
