import type { PromptBlocklist } from '../../core/prompt-blocklist.js';
import { isPromptBlocklisted } from '../../convert/check-prompt-blocklist.js';
import type { GenerationMiddleware } from '../generation-middleware.js';

/**
 * The prompt screen (`--blocklist`): when the server's blocklist matches the prompt, nothing is
 * generated and the run says so (`blocked`, with the prompt's token count from the engine, so the
 * blocked response's `promptTokenCount` is what a generation would have reported); the layers
 * below, the response cache included, are never asked.
 */
export function blocklistMiddleware(blocklist: PromptBlocklist): GenerationMiddleware {
  return (ctx, next) => async (input) => {
    if (!isPromptBlocklisted(ctx.request, blocklist)) return next(input);
    const blocked = await ctx.call.model.engine.countTokens({ messages: input.messages, signal: input.signal });
    return { events: nothing(), meta: ctx.meta, blocked };
  };
}

async function* nothing(): AsyncGenerator<never> {}
