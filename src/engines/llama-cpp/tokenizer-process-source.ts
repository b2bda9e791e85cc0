/**
 * The program of the process behind `OffThreadTokenizer` (off-thread-tokenizer.ts): loads the
 * engine's GGUF with `vocabOnly: true` (node-llama-cpp's LlamaModelOptions: the vocabulary, no
 * weights), then tokenizes each rendered prompt it is sent over IPC, one at a time, with the same
 * `LlamaText.tokenize` the engine would run on its own model, so the tokens are the same.
 *
 * Source text for `node -e`, not a module file: it must run the same from src/ under tsx and from
 * dist/. CommonJS, importing node-llama-cpp by the URL the engine resolved (argv[1] is the JSON of
 * `TokenizerProcessData`). It exits when the engine goes (its IPC channel closes).
 */
export const TOKENIZER_PROCESS_SOURCE = `
const data = JSON.parse(process.argv[1]);
const send = (reply) => process.send(reply);
process.on('disconnect', () => process.exit(0));
(async () => {
  const { getLlama, LlamaLogLevel, LlamaText } = await import(data.nodeLlamaCppUrl);
  // The same build as the engine's Llama (shared-llama.ts); llama.cpp's own chatter stays quiet.
  const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, logger: () => {} });
  const model = await llama.loadModel({ modelPath: data.modelPath, vocabOnly: true });
  process.on('message', (m) => {
    try {
      const tokens = LlamaText.fromJSON(m.text).tokenize(model.tokenizer);
      send(m.countOnly ? { id: m.id, count: tokens.length } : { id: m.id, tokens: Uint32Array.from(tokens) });
    } catch (e) {
      send({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
  send({ id: 0, ready: true });
})().catch((e) => send({ id: 0, error: e instanceof Error ? e.message : String(e) }));
`;
