/**
 * Configuration fields described as data: a small vocabulary that a layer which may not import
 * the config code (engines see only core) uses to declare its settings, and that src/config/
 * interprets: it parses and checks each value, anchors paths at the config file's folder and
 * names the offending field in its errors (ollama's envconfig keeps settings as data the same
 * way). The TypeScript type of the parsed values is derived from the description
 * ({@link ConfigValues}), so the code reading them cannot drift from what is accepted.
 */

/** What a field holds, and how its value is checked. */
export type ConfigFieldType =
  /**
   * A non-empty string, trimmed. `anchor` says how a relative path written in the config file
   * is read: `path` against the file's folder; `model` the same when it looks like a path (has
   * a separator or names a file there), otherwise it is a model name for the pull cache.
   */
  | { type: 'text'; anchor?: 'path' | 'model' }
  /** An integer from `min` to `max` (JSON number or decimal string). */
  | { type: 'integer'; min: number; max?: number }
  /** `auto`, or an integer from `min` to `max`. */
  | { type: 'auto-or-integer'; min: number; max?: number }
  | { type: 'boolean' }
  /** An absolute http(s) URL, kept without its trailing slash. */
  | { type: 'http-url' }
  /** A list of some of `words`, matched without regard to case, each kept as `words` spells it. */
  | { type: 'word-list'; words: readonly string[] }
  /** One of `words`, matched without regard to case, kept as `words` spells it. */
  | { type: 'word'; words: readonly string[] }
  /** An object of known keys. */
  | { type: 'object'; fields: ConfigFields };

/** One field: its type, and what help and errors say about it. */
export type ConfigField = ConfigFieldType & {
  /** What the field sets, for help and docs. */
  help: string;
  /** What applies when the field is unset, as help shows it (the parsed config leaves it unset). */
  default?: string;
  /** The field must be given; completes the error "<field> is required: ...". */
  required?: string;
  /** Set by the program, never read from the config file (e.g. a directory from a global setting). */
  notInConfigFile?: true;
};

/** Fields by name, in the order help and errors list them. */
export type ConfigFields = { readonly [name: string]: ConfigField };

/** The value a parsed field holds. */
export type ConfigValue<F> =
  F extends { type: 'text' | 'http-url' } ? string
    : F extends { type: 'integer' } ? number
      : F extends { type: 'auto-or-integer' } ? 'auto' | number
        : F extends { type: 'boolean' } ? boolean
          : F extends { type: 'word-list'; words: readonly (infer W)[] } ? W[]
            : F extends { type: 'word'; words: readonly (infer W)[] } ? W
            : F extends { type: 'object'; fields: infer G extends ConfigFields } ? ConfigValues<G>
              : never;

type RequiredName<F extends ConfigFields> = { [K in keyof F]: F[K] extends { required: string } ? K : never }[keyof F];

/** Names of the fields the program sets (`notInConfigFile`). */
export type ProgramSetName<F extends ConfigFields> = { [K in keyof F]: F[K] extends { notInConfigFile: true } ? K : never }[keyof F];

/** Flattens an intersection, so editors show one object type. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The parsed values of `fields`: required ones always present, the others optional. */
export type ConfigValues<F extends ConfigFields> = Simplify<
  { -readonly [K in RequiredName<F>]: ConfigValue<F[K]> } & { -readonly [K in Exclude<keyof F, RequiredName<F>>]?: ConfigValue<F[K]> }
>;
