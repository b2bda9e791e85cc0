/**
 * The simplest value valid against a JSON Schema (the subset function declarations use): the
 * fake engine's function-call arguments. First enum value or const, the minimum, `minItems`
 * items, every property of an object.
 */
export function exampleForSchema(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return {};
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (Array.isArray(s.anyOf) && s.anyOf.length) return exampleForSchema(s.anyOf[0]);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': return 'x'.repeat(typeof s.minLength === 'number' ? s.minLength : 1);
    case 'integer':
    case 'number': return typeof s.minimum === 'number' ? s.minimum : 0;
    case 'boolean': return true;
    case 'null': return null;
    case 'array': return Array.from({ length: typeof s.minItems === 'number' ? s.minItems : 0 }, () => exampleForSchema(s.items));
    default: {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, exampleForSchema(v)]));
    }
  }
}
