import type { GenerateContentRequest } from '../../api/gemini/types.js';
import { runWithCodeExecution } from '../../core/code-execution-loop.js';
import type { CodeRunner } from '../../core/code-runner.js';
import type { GenerateInput, GenerationEvent } from '../../core/engine.js';
import type { GenerationMiddleware, RunEngine } from '../generation-middleware.js';

/**
 * Gemini's code-execution tool (`tools: [{codeExecution: {}}]`) around the engine: the model's
 * ```python blocks run in the sandbox and the model continues with their output
 * (core/code-execution-loop.ts), each round a run of the layers below. Installed only when the
 * server has a sandbox; without one the request was already refused with a 400 when it was
 * converted (convert/refuse-unsupported-features.ts), so code never runs unconfined.
 */
export function codeExecutionMiddleware(runner: CodeRunner): GenerationMiddleware {
  return ({ request, meta }, next) => async (input) => {
    if (!wantsCodeExecution(request)) return next(input);
    return { events: runWithCodeExecution({ stream: (round) => eventsOf(next, round) }, input, runner), meta };
  };
}

function wantsCodeExecution(request: GenerateContentRequest): boolean {
  return (request.tools ?? []).some((t) => t.codeExecution !== undefined);
}

async function* eventsOf(next: RunEngine, input: GenerateInput): AsyncGenerator<GenerationEvent> {
  yield* (await next(input)).events;
}
