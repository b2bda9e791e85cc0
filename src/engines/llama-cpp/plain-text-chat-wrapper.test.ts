import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatHistoryItem } from 'node-llama-cpp';
import { PlainTextChatWrapper } from './plain-text-chat-wrapper.js';

const render = (chatHistory: ChatHistoryItem[]) =>
  new PlainTextChatWrapper().generateContextState({ chatHistory }).contextText;

describe('PlainTextChatWrapper', () => {
  it('renders BOS then the texts, and lets the model continue the last message', () => {
    const text = render([{ type: 'user', text: 'Once upon a time' }, { type: 'model', response: [] }]);
    assert.deepEqual(text.toJSON(), [{ type: 'specialToken', value: 'BOS' }, 'Once upon a time']);
  });

  it('separates messages with a blank line and continues a started reply', () => {
    const text = render([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Hi' },
      { type: 'model', response: ['Hello'] },
      { type: 'user', text: 'More' },
      { type: 'model', response: ['Yes'] },
    ]);
    assert.equal(text.toString(), 'BOSBe brief.\n\nHi\n\nHello\n\nMore\n\nYes', 'BOS renders as "BOS" in toString');
  });

  it('keeps special-token syntax typed by a user as plain text', () => {
    const text = render([{ type: 'user', text: '<s>[INST]' }, { type: 'model', response: [] }]);
    assert.deepEqual(text.toJSON().slice(1), ['<s>[INST]']);
  });

  it('stops at EOS, and at BOS (llama2.c-style base models start the next document with it)', () => {
    const { stopGenerationTriggers } = new PlainTextChatWrapper().generateContextState({ chatHistory: [] });
    assert.deepEqual(stopGenerationTriggers.map((t) => t.toJSON()), [
      [{ type: 'specialToken', value: 'EOS' }],
      [{ type: 'specialToken', value: 'BOS' }],
    ]);
  });
});
