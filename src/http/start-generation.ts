import type { GenerateContentRequest } from '../api/gemini/types.js';
import { runWithCodeExecution } from '../core/code-execution-loop.js';
import type { GenerateInput, GenerationEvent } from '../core/engine.js';
import type { MethodContext } from './method-context.js';

/**
 * The events of one generation: the engine's stream, wrapped in the code-execution loop when
 * the request turned that tool on (convert-to-generate-input.ts has already refused it when the
 * server has no sandbox).
 */
export function startGeneration(ctx: MethodContext, req: GenerateContentRequest, input: GenerateInput): AsyncIterable<GenerationEvent> {
  const wantsCode = (req.tools ?? []).some((t) => t.codeExecution !== undefined);
  if (wantsCode && ctx.codeRunner) return runWithCodeExecution(ctx.entry.engine, input, ctx.codeRunner);
  return ctx.entry.engine.stream(input);
}
