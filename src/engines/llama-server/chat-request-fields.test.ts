import { it } from 'node:test';
import assert from 'node:assert/strict';
import { closedThoughtRequestFields, decodingRequestFields, promptRequestFields } from './chat-request-fields.js';
import type { OpenAiMessage } from './convert-to-openai-messages.js';

const messages: OpenAiMessage[] = [{ role: 'user', content: 'Hi' }];
const tools = { mode: 'any' as const, functions: [{ name: 'f' }] };

it('native tools go in the body; prompted ones in the system message and a grammar', () => {
  const native = promptRequestFields(messages, { tools: 'native', thinking: false }, { tools });
  assert.equal(native.tool_choice, 'required');
  assert.deepEqual(native.messages, messages);
  assert.deepEqual(decodingRequestFields({ tools: 'native', thinking: false }, { tools }), {});
  const prompted = promptRequestFields(messages, { tools: 'prompted', thinking: false }, { tools });
  assert.equal(prompted.tools, undefined);
  assert.equal(prompted.messages[0].role, 'system');
  assert.match(decodingRequestFields({ tools: 'prompted', thinking: false }, { tools }).grammar as string, /tool_calls/);
});

it('thinking: switched by enable_thinking, opened as a thought, budgeted; closed to continue the answer', () => {
  const traits = { tools: 'prompted' as const, thinking: true };
  assert.deepEqual(promptRequestFields(messages, traits, {}), {
    messages, chat_template_kwargs: { enable_thinking: false }, reasoning_format: 'deepseek',
  });
  const on = promptRequestFields(messages, traits, { thinking: { budget: 5 } });
  assert.deepEqual(on, {
    messages: [...messages, { role: 'assistant', content: '', reasoning_content: '\n' }],
    continue_final_message: 'reasoning_content', add_generation_prompt: false,
    chat_template_kwargs: { enable_thinking: true }, reasoning_format: 'deepseek',
  });
  assert.deepEqual(decodingRequestFields(traits, { thinking: { budget: 5 } }), { reasoning_budget_tokens: 5 });
  assert.deepEqual(decodingRequestFields(traits, { thinking: { budget: 'dynamic' } }), {});
  const closed = closedThoughtRequestFields(on, '\nhm');
  assert.deepEqual(closed.messages.at(-1), { role: 'assistant', content: '', reasoning_content: '\nhm' });
  assert.equal(closed.messages.length, 2);
  assert.equal(closed.continue_final_message, 'content');
  // A model that cannot think gets no thinking fields at all.
  assert.deepEqual(promptRequestFields(messages, { tools: 'native', thinking: false }, { thinking: { budget: 5 } }), { messages });
});

it('logprobs ask for top alternatives (at least one)', () => {
  assert.deepEqual(decodingRequestFields({ tools: 'native', thinking: false }, { logprobs: { top: 0 } }), { logprobs: true, top_logprobs: 1 });
});
