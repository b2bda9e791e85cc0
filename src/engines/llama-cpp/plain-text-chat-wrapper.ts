import {
  ChatWrapper, LlamaText, SpecialToken,
  type ChatHistoryItem, type ChatWrapperGenerateContextStateOptions, type ChatWrapperGeneratedContextState,
} from 'node-llama-cpp';

/** What separates one message from the next in the rendered text. */
export const PLAIN_TEXT_SEPARATOR = '\n\n';

/**
 * The chat "template" of models that have none (base models such as stories260K): the messages'
 * texts one after another, separated by a blank line, after BOS. The model's reply continues
 * the text directly, so `user: "Once upon a time"` yields the rest of the story. Generation
 * ends at EOS, or at BOS: llama2.c-trained models (stories260K) end a story by starting the
 * next document with BOS, and without that trigger stories260K never stopped within 2,000
 * tokens (measured; with it, stories end after ~300). Role titles like "### User" would be
 * noise to a base model, and as stop triggers they would cut legitimate text.
 *
 * Why not node-llama-cpp's own fallback: `resolveChatWrapper` guesses a wrapper from the
 * architecture and file name (stories260K resolves to Llama2Chat's `[INST]` format), which
 * a model never trained on that format only answers with noise.
 */
export class PlainTextChatWrapper extends ChatWrapper {
  readonly wrapperName = 'PlainText';

  override generateContextState({ chatHistory }: ChatWrapperGenerateContextStateOptions): ChatWrapperGeneratedContextState {
    const texts = chatHistory.map((item) => this.#itemText(item));
    // The trailing (possibly empty) model reply is what the model writes next: no separator
    // after it, and none before an empty one, so generation continues the last message.
    const last = chatHistory.at(-1);
    const openReply = last?.type === 'model' ? texts.pop() : undefined;
    const body: LlamaText[] = [LlamaText.joinValues(PLAIN_TEXT_SEPARATOR, texts)];
    if (openReply && openReply.values.length > 0) body.push(LlamaText(texts.length ? PLAIN_TEXT_SEPARATOR : ''), openReply);
    return {
      contextText: LlamaText([new SpecialToken('BOS'), ...body]),
      stopGenerationTriggers: [LlamaText(new SpecialToken('EOS')), LlamaText(new SpecialToken('BOS'))],
    };
  }

  #itemText(item: ChatHistoryItem): LlamaText {
    if (item.type === 'system') return LlamaText.fromJSON(item.text);
    // LlamaText(string) is plain text: special-token syntax typed by a user stays text.
    if (item.type === 'user') return LlamaText(item.text);
    return this.generateModelResponseText(item.response);
  }
}
