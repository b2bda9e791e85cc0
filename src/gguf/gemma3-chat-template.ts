/**
 * Gemma 3's chat template, verbatim from the instruction-tuned checkpoints
 * (google/gemma-3-4b-it, `chat_template` in tokenizer_config.json; the same text ships in
 * ggml-org's Gemma 3 GGUFs as `tokenizer.chat_template`). Turns are
 * `<start_of_turn>{user|model}\n{content}<end_of_turn>\n`, a system message is folded into the
 * first user turn, and `add_generation_prompt` opens `<start_of_turn>model\n`. Kept verbatim so
 * llama.cpp (`llm_chat_detect_template` finds `<start_of_turn>`, its Jinja engine runs the
 * rest) and node-llama-cpp (`resolveChatWrapper` recognises it as Gemma) treat the generated
 * model exactly like a real Gemma 3.
 */
export const GEMMA3_CHAT_TEMPLATE = `{{ bos_token }}
{%- if messages[0]['role'] == 'system' -%}
    {%- if messages[0]['content'] is string -%}
        {%- set first_user_prefix = messages[0]['content'] + '\\n\\n' -%}
    {%- else -%}
        {%- set first_user_prefix = messages[0]['content'][0]['text'] + '\\n\\n' -%}
    {%- endif -%}
    {%- set loop_messages = messages[1:] -%}
{%- else -%}
    {%- set first_user_prefix = "" -%}
    {%- set loop_messages = messages -%}
{%- endif -%}
{%- for message in loop_messages -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{ raise_exception("Conversation roles must alternate user/assistant/user/assistant/...") }}
    {%- endif -%}
    {%- if (message['role'] == 'assistant') -%}
        {%- set role = "model" -%}
    {%- else -%}
        {%- set role = message['role'] -%}
    {%- endif -%}
    {{ '<start_of_turn>' + role + '\\n' + (first_user_prefix if loop.first else "") }}
    {%- if message['content'] is string -%}
        {{ message['content'] | trim }}
    {%- elif message['content'] is iterable -%}
        {%- for item in message['content'] -%}
            {%- if item['type'] == 'image' -%}
                {{ '<start_of_image>' }}
            {%- elif item['type'] == 'text' -%}
                {{ item['text'] | trim }}
            {%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {{ raise_exception("Invalid content type") }}
    {%- endif -%}
    {{ '<end_of_turn>\\n' }}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{'<start_of_turn>model\\n'}}
{%- endif -%}
`;
