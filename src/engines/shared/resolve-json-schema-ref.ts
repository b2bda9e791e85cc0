/**
 * The subschema a `$ref` names inside `root` (the document it appears in), or undefined: a
 * fragment that is a JSON Pointer (RFC 6901: `#`, `#/$defs/a`, `#/definitions/a`, `~0`/`~1`
 * escapes, percent-encoding of the URI fragment) or a plain name declared with `$anchor`
 * (json-schema.org/draft/2020-12/json-schema-core §8.2.2, §8.2.3.1). References outside the
 * document are not resolved: gemserve never fetches schemas.
 */
export function resolveJsonSchemaRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    return undefined;
  }
  if (fragment === '') return root;
  if (!fragment.startsWith('/')) return findAnchor(root, fragment, new Set());
  let node: unknown = root;
  for (const token of fragment.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < node.length) node = node[Number(token)];
    else if (isObject(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  return node;
}

function findAnchor(node: unknown, name: string, seen: Set<unknown>): unknown {
  if (typeof node !== 'object' || node === null || seen.has(node)) return undefined;
  seen.add(node);
  if (isObject(node) && (node.$anchor === name || node.$id === `#${name}`)) return node;
  for (const child of Object.values(node)) {
    const found = findAnchor(child, name, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
