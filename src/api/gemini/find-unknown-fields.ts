import { MAX_NESTING, messageOf, messageSpec, type FieldSpec, type MessageSpec, type RootMessage } from './request-schema.js';
import type { FieldViolation } from './status.js';

/** A key of a request message that is none of its fields, in either spelling. */
export interface UnknownField {
  /**
   * Proto path of the message holding it, as Google prints it ('' for the request itself):
   * `generation_config`, `contents[0].parts[0]`, and a map's value by its entry's index,
   * `tools[0].function_declarations[0].parameters.properties[3].value`.
   */
  at: string;
  /** The key as sent. */
  name: string;
  /** The object holding it, so a caller that accepts unknown fields can drop it. */
  holder: Record<string, unknown>;
}

/**
 * Every key of a request body that is not a field of its message, at any depth the tables
 * describe (request-schema.ts). Google's front end parses a body as the proto message (proto3
 * JSON) and refuses a name it cannot map, listing each one: "Invalid JSON payload received.
 * Unknown name \"thinking\": Cannot find field." at the top level, and "… Unknown name
 * \"const\" at 'tools[0].function_declarations[0].parameters.properties[3].value': Cannot find
 * field." below it, one line per name (the texts in google-gemini/gemini-cli#13972,
 * zed-industries/zed#62539, lbjlaq/Antigravity-Manager#868, mnfst/llm-gateway#1858).
 *
 * Both spellings of a field are known (protobuf.dev/programming-guides/json: "Parsers accept both
 * the lowerCamelCase name and the proto field name"), so this runs before or after
 * `normalize-field-names.ts`. User data is never looked into: `google.protobuf.Struct`/`Value`
 * fields (`functionCall.args`, `functionResponse.response`, JSON Schemas, `labels`), the keys of
 * maps. A value of the wrong type is left to `check-field-types.ts`.
 */
export function findUnknownFields(body: Record<string, unknown>, root: RootMessage, at = ''): UnknownField[] {
  const found: UnknownField[] = [];
  walk(body, messageSpec(root), at, 0, found);
  return found;
}

/** Google's text for one unknown name, and the `BadRequest` field violation that carries it. */
export function describeUnknownField(u: Pick<UnknownField, 'at' | 'name'>): FieldViolation {
  const where = u.at ? ` at '${u.at}'` : '';
  return { field: u.at, description: `Invalid JSON payload received. Unknown name ${JSON.stringify(u.name)}${where}: Cannot find field.` };
}

/** The proto path of `name` inside the message at `at`. */
export function pathOf(at: string, name: string): string {
  return at ? `${at}.${name}` : name;
}

function walk(obj: Record<string, unknown>, spec: MessageSpec, at: string, depth: number, found: UnknownField[]): void {
  // Bodies nested deeper were refused before parsing (find-json-nesting-excess.ts); this only
  // keeps the stack bounded for a caller that skipped that.
  if (depth > MAX_NESTING) return;
  for (const key of Object.keys(obj)) {
    const field = spec.fields.get(key) ?? spec.fields.get(spec.bySnake.get(key) ?? '');
    if (!field) {
      found.push({ at, name: key, holder: obj });
      continue;
    }
    descend(obj[key], field, pathOf(at, field.proto), depth, found);
  }
}

function descend(value: unknown, field: FieldSpec, at: string, depth: number, found: UnknownField[]): void {
  const spec = messageOf(field);
  if (!spec) return;
  if (field.map) {
    if (!isObject(value)) return;
    Object.values(value).forEach((v, i) => {
      if (isObject(v)) walk(v, spec, `${at}[${i}].value`, depth + 1, found);
    });
  } else if (field.repeated && Array.isArray(value)) {
    value.forEach((v, i) => {
      if (isObject(v)) walk(v, spec, `${at}[${i}]`, depth + 1, found);
    });
  } else if (isObject(value)) {
    // A single message where a list is expected is a one-element list to Google's front end
    // (check-field-types.ts), so its path has the index.
    walk(value, spec, field.repeated ? `${at}[0]` : at, depth + 1, found);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
