import type { GenerateEvent, SamplingOptions } from '../../core/engine.js';
import type { JsonSchemaValidator } from './compile-json-schema-validator.js';

/**
 * How many times a candidate is generated at most when its output must be validated (a schema
 * keyword the grammar does not enforce, see convert-json-schema-to-gbnf.ts `unenforced`).
 */
export const MAX_GENERATION_ATTEMPTS = 3;

/**
 * The temperature of a retry when the request's is 0 or unset (greedy decoding would write the
 * same invalid output again): 1, the default `temperature` Google's models.get reports for the
 * Gemini 2.x and 3 models (ai.google.dev/api/models#Model).
 */
export const RETRY_TEMPERATURE = 1;

/** Gemini's largest candidateCount (8): attempts step their seeds past every candidate's. */
const SEED_STRIDE = 8;

/** Counts since the process started, for tests and benchmarks: candidates validated, retries, answers still invalid. */
export const validationCounters = { candidates: 0, resampled: 0, invalid: 0 };

export interface ValidatedRun<R> {
  /** Generates attempt `n` (from 0) of the candidate; see {@link samplingForAttempt}. */
  attempt(n: number): AsyncGenerator<GenerateEvent, R>;
  /** Why a finished candidate's events are not valid, or undefined when they are. */
  check(events: readonly GenerateEvent[]): string | undefined;
  attempts?: number;
}

/**
 * One candidate whose output is checked after generation: each attempt's events are held back,
 * and a candidate that finished (`stop`) but fails `check` is generated again, up to
 * {@link MAX_GENERATION_ATTEMPTS} times. The last attempt is answered as it is, with its own
 * finish reason (STOP): Google documents no finish reason for this (its structured output
 * guarantees syntactically valid JSON and asks clients to validate values,
 * ai.google.dev/gemini-api/docs/structured-output), and the grammar already made the output
 * well-formed and of the schema's shape. A candidate cut short (`max-tokens`) or aborted is
 * answered at once. Only the answered attempt's events, and so its tokens, reach the client.
 *
 * The candidate is streamed only when it is answered: a request that needs validation loses
 * token-by-token streaming, the price of never streaming what is then taken back.
 */
export async function* generateValidated<R>(run: ValidatedRun<R>): AsyncGenerator<GenerateEvent, R> {
  const attempts = Math.max(1, run.attempts ?? MAX_GENERATION_ATTEMPTS);
  validationCounters.candidates++;
  for (let n = 0; ; n++) {
    const events: GenerateEvent[] = [];
    const generator = run.attempt(n);
    let step = await generator.next();
    while (!step.done) {
      events.push(step.value);
      step = await generator.next();
    }
    const finish = events.find((e) => e.type === 'finish');
    const why = finish?.type === 'finish' && finish.reason === 'stop' ? run.check(events) : undefined;
    if (why !== undefined && n + 1 < attempts) {
      validationCounters.resampled++;
      continue;
    }
    if (why !== undefined) validationCounters.invalid++;
    yield* events;
    return step.value;
  }
}

/** The sampling of attempt `n`: the request's for the first, then a new seed (and a temperature above 0). */
export function samplingForAttempt(sampling: SamplingOptions, n: number): SamplingOptions {
  if (n === 0) return sampling;
  return {
    ...sampling,
    ...(sampling.seed === undefined ? {} : { seed: sampling.seed + SEED_STRIDE * n }),
    temperature: sampling.temperature ? sampling.temperature : RETRY_TEMPERATURE,
  };
}

/** A check of structured output: the candidate's answer text is JSON valid against the schema. */
export function checkJsonAnswer(validate: JsonSchemaValidator): ValidatedRun<unknown>['check'] {
  return (events) => {
    const text = events.map((e) => (e.type === 'text-delta' && !e.thought ? e.text : '')).join('');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return 'the answer is not JSON';
    }
    return validate(value);
  };
}

/** A check of function calls: each call's arguments are valid against its function's schema (those in `validators`). */
export function checkFunctionCalls(validators: ReadonlyMap<string, JsonSchemaValidator>): ValidatedRun<unknown>['check'] {
  return (events) => {
    for (const e of events) {
      if (e.type !== 'function-call') continue;
      const why = validators.get(e.name)?.(e.args);
      if (why !== undefined) return `${e.name}: ${why}`;
    }
    return undefined;
  };
}
