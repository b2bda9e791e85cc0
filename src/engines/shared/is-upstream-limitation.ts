/**
 * Whether an upstream's 4xx refusal is about the upstream itself rather than the request. gemserve
 * validates the client's request before any engine sees it and writes the upstream request
 * itself, so a refusal naming the upstream's own machinery (its samplers, its grammar or JSON
 * Schema converter, its chat template, the model's lack of tools) is a limit of that upstream:
 * a system error (`Errors.upstreamLimitation`, 500), never the client's 400. Refusals about
 * what the client sent (a prompt over the context, an image the model cannot read, a bad key)
 * keep their status. The texts, by server:
 * - llama.cpp's server: "Failed to initialize samplers: …" when the sampler chain, grammar
 *   included, cannot be built (tools/server/server-context.cpp); "failed to parse grammar"
 *   (common/sampling.cpp); "JSON schema conversion failed" (common/json-schema-to-grammar.cpp);
 *   "failed to apply chat template" and "this custom template is not supported"
 *   (common/chat.cpp); "Cannot use custom grammar constraints with tools", "Cannot specify
 *   grammar with tools", "Cannot use both json_schema and grammar"
 *   (tools/server/server-common.cpp `oaicompat_chat_params_parse`, common/chat.cpp).
 * - vLLM: "The provided JSON schema contains features not supported by xgrammar." and
 *   "Grammar error: …" (vllm/v1/structured_output/backend_xgrammar.py, backend_guidance.py).
 * - Ollama: "<model> does not support tools" for a model whose template has no tool format
 *   (ollama/ollama#6027).
 */
const UPSTREAM_LIMITS: readonly RegExp[] = [
  /failed to initiali[sz]e samplers/i,
  /failed to parse grammar/i,
  /json schema conversion failed/i,
  /failed to apply chat template|custom template is not supported/i,
  /cannot (use custom grammar constraints|specify grammar) with tools|cannot use both json_schema and grammar/i,
  /features not supported by xgrammar|grammar error:/i,
  /does not support tools/i,
];

/** Whether a 4xx refusal with this message is the upstream's own limit (see the module comment). */
export function isUpstreamLimitation(message: string): boolean {
  return UPSTREAM_LIMITS.some((re) => re.test(message));
}
