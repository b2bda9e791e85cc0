/**
 * The ChatML chat template (as shipped by OpenHermes, Qwen and others in
 * `tokenizer.chat_template`): each message is `<|im_start|>{role}\n{content}<|im_end|>\n`, and
 * `add_generation_prompt` opens the assistant turn. Written in exactly this common form because
 * llama.cpp (`llm_chat_detect_template`) and node-llama-cpp (`resolveChatWrapper`) recognise
 * it as ChatML and use their native ChatML formatting.
 */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
