import type { FinishReason } from '../../core/engine.js';

/**
 * llama-server's OpenAI `finish_reason` → the engine's. server-task.cpp
 * (`to_json_oaicompat_chat_stream`): "stop" for an end-of-generation token or a stop string,
 * "tool_calls" when the model called a tool (a natural end too), "length" otherwise, i.e. the
 * token budget (n_predict) or the context ran out. Unknown values are undefined: the candidate
 * is not finished.
 */
export function mapFinishReason(reason: unknown): FinishReason | undefined {
  switch (reason) {
    case 'stop':
    case 'tool_calls':
      return 'stop';
    case 'length':
      return 'max-tokens';
    default:
      return undefined;
  }
}
