/**
 * The mechanism behind the request tables: a Gemini request message is written once, as data
 * (`defineMessage`), and both its TypeScript interface (`MessageType`) and the runtime spec the
 * walkers read (`normalize-field-names.ts`, `check-field-types.ts`) come from that one table.
 *
 * Each field states its proto3 type (what the wire accepts and how it is checked) and, where the
 * TypeScript type must be more precise than the proto type, that type as a type argument of the
 * same call (`field.string<Role>()`), so the two cannot drift apart.
 */

/** An enum with its values; matched case-insensitively and stored uppercase. */
export interface EnumSpec<V extends string = string> {
  /** Name after TYPE_URL_PREFIX, e.g. `HarmCategory`, as Google's error texts show it. */
  name: string;
  /** In the proto's order. */
  list: readonly V[];
  values: ReadonlySet<string>;
}

/** The values of an enum, as a union type. */
export type EnumValue<E extends EnumSpec> = E['list'][number];

export function defineEnum<const V extends string>(name: string, list: readonly V[]): EnumSpec<V> {
  return { name, list, values: new Set(list) };
}

/** A field's proto3 type: a scalar, an enum, a message or opaque user JSON. */
export type FieldType =
  | 'string' | 'bytes' | 'bool' | 'float' | 'int32' | 'int64'
  /** google.protobuf.Struct/Value or a JSON Schema: user data, never renamed nor checked. */
  | 'struct'
  | { enum: EnumSpec }
  | { message: MessageSpec };

/**
 * One field as a table writes it. `T` is the TypeScript type of the whole field (a list's is an
 * array); it exists only at the type level.
 */
export interface FieldDef<T = unknown, R extends boolean = boolean> {
  type: FieldType | typeof SELF;
  repeated: boolean;
  /** `map<string, T>`: keys are user data (e.g. Schema.properties), values are `type`. */
  map: boolean;
  /** `google.api.field_behavior = REQUIRED` in the proto; the interface makes it non-optional. */
  required: R;
  /** Never set: carries `T` for `MessageType`. */
  readonly ts?: T;
}

/** One field of a message, as the walkers read it. */
export interface FieldSpec {
  /** lowerCamelCase JSON name. */
  json: string;
  /** snake_case proto name, used in error paths (`generation_config.temperature`). */
  proto: string;
  type: FieldType;
  repeated: boolean;
  map: boolean;
  required: boolean;
}

/** One message: its fields, findable by either spelling. */
export interface MessageSpec {
  name: string;
  /** By JSON name. */
  fields: ReadonlyMap<string, FieldSpec>;
  /** JSON name by proto name, for the snake_case spellings only. */
  bySnake: ReadonlyMap<string, string>;
}

/** A message spec that still knows its table, so `MessageType` can read it. */
export interface MessageDef<F extends Fields = Fields> extends MessageSpec {
  readonly defs: F;
}

export type Fields = Record<string, FieldDef>;

/** Placeholder for "this message" in a recursive table (Schema.items). */
const SELF = Symbol('self');

type TsOf<F> = F extends FieldDef<infer T> ? T : never;
type RequiredKeys<D> = { [K in keyof D]: D[K] extends FieldDef<unknown, true> ? K : never }[keyof D];

/** The TypeScript interface of a message table: its fields, optional unless required. */
export type MessageType<M extends MessageDef> = {
  -readonly [K in keyof M['defs']]?: TsOf<M['defs'][K]>;
} & {
  -readonly [K in RequiredKeys<M['defs']>]-?: TsOf<M['defs'][K]>;
};

const scalar = <T>(type: FieldType | typeof SELF): FieldDef<T, false> =>
  ({ type, repeated: false, map: false, required: false });

/**
 * Field constructors, one per proto3 type. The type argument, where there is one, narrows the
 * TypeScript type without changing what the wire accepts.
 */
export const field = {
  string: <T extends string = string>() => scalar<T>('string'),
  /** base64 on the wire. */
  bytes: () => scalar<string>('bytes'),
  bool: () => scalar<boolean>('bool'),
  float: () => scalar<number>('float'),
  int32: () => scalar<number>('int32'),
  /** A JSON string on the wire (proto3 JSON); a number once `check-field-types.ts` has run. */
  int64: () => scalar<string | number>('int64'),
  /** google.protobuf.Struct (or an empty message no local code reads): a JSON object. */
  struct: <T extends Record<string, unknown> = Record<string, unknown>>() => scalar<T>('struct'),
  /** google.protobuf.Value: any JSON (a JSON Schema, an example value). */
  value: <T = unknown>() => scalar<T>('struct'),
  enum: <V extends string>(e: EnumSpec<V>) => scalar<V>({ enum: e }),
  /**
   * A field holding message `m`. `.as<Blob>()` names its type by the message's interface (for
   * readable hovers and errors); the compiler checks that the interface fits the table.
   */
  message: <M extends MessageDef>(m: M) => {
    const def = scalar<MessageType<M>>({ message: m });
    return Object.assign(def, { as: <T extends MessageType<M>>(): FieldDef<T, false> => def as FieldDef<T, false> });
  },
  /** The message being defined (recursion); `T` is its interface. */
  self: <T>() => scalar<T>(SELF),
};

export const required = <T>(f: FieldDef<T>): FieldDef<T, true> => ({ ...f, required: true });
export const repeated = <T, R extends boolean>(f: FieldDef<T, R>): FieldDef<T[], R> => ({ ...f, repeated: true }) as FieldDef<T[], R>;
export const map = <T, R extends boolean>(f: FieldDef<T, R>): FieldDef<Record<string, T>, R> => ({ ...f, map: true }) as FieldDef<Record<string, T>, R>;
/** Enum names arrive in any case (`"type": "object"`) and are stored uppercase by the check. */
export const anyCase = <V extends string, R extends boolean>(f: FieldDef<V, R>): FieldDef<V | Lowercase<V>, R> => f;

const snake = (json: string) => json.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A message table: `name` as Google's type URL names it, fields by their JSON names. */
export function defineMessage<const F extends Fields>(name: string, defs: F): MessageDef<F> {
  const fields = new Map<string, FieldSpec>();
  const bySnake = new Map<string, string>();
  const spec: MessageDef<F> = { name, fields, bySnake, defs };
  for (const [json, def] of Object.entries(defs)) {
    const proto = snake(json);
    const type = def.type === SELF ? { message: spec } : def.type;
    fields.set(json, { json, proto, type, repeated: def.repeated, map: def.map, required: def.required });
    if (proto !== json) bySnake.set(proto, json);
  }
  return spec;
}
