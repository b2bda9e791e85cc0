import { GgufValueType } from './gguf-format.js';

/** Names of the numeric GGUF value types. */
export type GgufNumericTypeName =
  | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64'
  | 'float32' | 'float64';

/** Names of the GGUF value types an array may hold (nested arrays are not supported). */
export type GgufArrayItemTypeName = GgufNumericTypeName | 'bool' | 'string';

/**
 * A metadata value to write. Strings and booleans are written as they are; numbers must say
 * their type, because llama.cpp rejects a key whose stored type differs from the one it expects
 * (e.g. `llama.context_length` must be uint32). Build them with {@link GgufValue}.
 */
export type GgufMetadataValue =
  | string
  | boolean
  | { readonly type: GgufNumericTypeName; readonly value: number | bigint }
  | { readonly type: 'array'; readonly itemType: 'string'; readonly values: readonly string[] }
  | { readonly type: 'array'; readonly itemType: 'bool'; readonly values: readonly boolean[] }
  | {
    readonly type: 'array';
    readonly itemType: GgufNumericTypeName;
    readonly values: ArrayLike<number> | readonly bigint[];
  };

/** Typed metadata value constructors, e.g. `GgufValue.uint32(2048)`. */
export const GgufValue = {
  uint8: (value: number) => ({ type: 'uint8', value }) as const,
  int8: (value: number) => ({ type: 'int8', value }) as const,
  uint16: (value: number) => ({ type: 'uint16', value }) as const,
  int16: (value: number) => ({ type: 'int16', value }) as const,
  uint32: (value: number) => ({ type: 'uint32', value }) as const,
  int32: (value: number) => ({ type: 'int32', value }) as const,
  uint64: (value: number | bigint) => ({ type: 'uint64', value }) as const,
  int64: (value: number | bigint) => ({ type: 'int64', value }) as const,
  float32: (value: number) => ({ type: 'float32', value }) as const,
  float64: (value: number) => ({ type: 'float64', value }) as const,
  stringArray: (values: readonly string[]) => ({ type: 'array', itemType: 'string', values }) as const,
  boolArray: (values: readonly boolean[]) => ({ type: 'array', itemType: 'bool', values }) as const,
  numberArray: (itemType: GgufNumericTypeName, values: ArrayLike<number> | readonly bigint[]) =>
    ({ type: 'array', itemType, values }) as const,
} satisfies Record<string, (...args: never[]) => GgufMetadataValue>;

/** Value type code of each type name. */
export const GGUF_VALUE_TYPE_BY_NAME: Readonly<Record<GgufArrayItemTypeName, GgufValueType>> = {
  uint8: GgufValueType.UINT8,
  int8: GgufValueType.INT8,
  uint16: GgufValueType.UINT16,
  int16: GgufValueType.INT16,
  uint32: GgufValueType.UINT32,
  int32: GgufValueType.INT32,
  uint64: GgufValueType.UINT64,
  int64: GgufValueType.INT64,
  float32: GgufValueType.FLOAT32,
  float64: GgufValueType.FLOAT64,
  bool: GgufValueType.BOOL,
  string: GgufValueType.STRING,
};
