/**
 * An engine kind described once: each engine folder exports one descriptor with its config
 * fields (type, default, help) and how to create the engine from their parsed values. The
 * config file's `engines` section is checked against the descriptors (src/config/engine-config.ts)
 * and engines are built through them (src/cli/create-engine.ts), so adding an engine kind is
 * one descriptor in the list of src/engines/engine-descriptors.ts.
 */
import type { ConfigFields, ConfigValues, ProgramSetName, Simplify } from './config-fields.js';
import type { Engine } from './engine.js';

/** What the program gives an engine being created, besides its config. */
export interface EngineHost {
  /**
   * The value of the environment variable `name` (an upstream's key: secrets stay out of config
   * files, which only name the variable); fails, saying so, when it is unset or blank.
   */
  secretFromEnv(name: string): string;
}

/** One engine kind: its config fields and its factory. */
export interface EngineDescriptor<K extends string = string, F extends ConfigFields = ConfigFields> {
  /** The `kind` a config file names it by. */
  readonly kind: K;
  /** One line on what the engine is, for help and docs. */
  readonly summary: string;
  readonly fields: F;
  /**
   * Creates the engine from its parsed (and completed) config. Must not make the engine's
   * module a static import of the descriptor when that module is heavy (native bindings):
   * `await import(...)` it here, so reading config never loads an engine.
   */
  create(config: ConfigValues<F>, host: EngineHost): Promise<Engine>;
}

/** Declares a descriptor, keeping its kind and fields as literal types (for the derived config types). */
export function defineEngine<const K extends string, const F extends ConfigFields>(d: EngineDescriptor<K, F>): EngineDescriptor<K, F> {
  return d;
}

/** What a config file declares for the engine of descriptor `D`: `kind` and the fields it may set. */
export type EngineConfigOf<D> = D extends EngineDescriptor<infer K, infer F>
  ? Simplify<{ kind: K } & Omit<ConfigValues<F>, ProgramSetName<F>>>
  : never;

/** The engine of descriptor `D` as it is created: its config, completed with the fields the program sets. */
export type EngineSpecOf<D> = D extends EngineDescriptor<infer K, infer F> ? Simplify<{ kind: K } & ConfigValues<F>> : never;
