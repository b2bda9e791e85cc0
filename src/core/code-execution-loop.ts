import type { CodeRunner } from './code-runner.js';
import { renderCodeOutput } from './code-execution-text.js';
import { CodeFenceScanner } from './code-fence-scanner.js';
import type { ChatMessage, GenerateInput, GenerationEvent } from './engine.js';
import { Errors } from './errors.js';

/**
 * Rounds of "model writes code → sandbox runs it" per request. Gemini documents no number;
 * its tool "can iterate up to 5 times" (ai.google.dev/gemini-api/docs/code-execution).
 */
export const MAX_CODE_EXECUTION_ROUNDS = 5;

/** Told to the model when the tool is on (prepended to the system instruction). */
export const CODE_EXECUTION_INSTRUCTIONS =
  'You can run Python 3 code (numpy, pandas and matplotlib are available, there is no network). ' +
  'To run code, write it in a fenced block that starts with ```python on its own line and ends with ```. ' +
  'Its output will follow in a ```output block; then continue your answer.';


/**
 * Gemini's code-execution tool around an engine: the model's reply streams through as usual
 * until it writes a ```python block; then generation stops, the code goes out as an
 * `executable-code` event, runs in the sandbox (`runner`), its result and figures go out as
 * `code-execution-result` and `inline-data` events, and the model continues its reply with
 * the output in view. Up to MAX_CODE_EXECUTION_ROUNDS blocks are run; the prompt is reported
 * once (the first round's), output tokens are summed over the rounds.
 */
export async function* runWithCodeExecution(
  engine: { stream(input: GenerateInput): AsyncIterable<GenerationEvent> }, input: GenerateInput, runner: CodeRunner,
): AsyncGenerator<GenerationEvent> {
  if (input.candidateCount !== 1) {
    throw Errors.invalidArgument('Code execution supports one candidate per request (candidateCount 1).', 'generation_config.candidate_count');
  }
  const messages = withInstructions(input.messages);
  let reply = '';
  let promptSent = false;
  for (let round = 0; ; round++) {
    const last = round === MAX_CODE_EXECUTION_ROUNDS;
    const scanner = new CodeFenceScanner();
    const history: ChatMessage[] = reply ? [...messages, { role: 'model', parts: [{ type: 'text', text: reply }] }] : messages;
    let code: string | undefined;
    let finished = false;
    for await (const ev of engine.stream({ ...input, messages: history })) {
      if (ev.type === 'prompt') {
        if (!promptSent) yield ev;
        promptSent = true;
      } else if (ev.type === 'text-delta' && !ev.thought && !last) {
        const seen = scanner.push(ev.text);
        yield { ...ev, text: seen.text };
        if (seen.code !== undefined) {
          code = seen.code;
          break; // stops the engine: the rest of this reply would be written without the output
        }
      } else if (ev.type === 'finish') {
        const held = scanner.flush();
        if (held) yield { type: 'text-delta', candidate: ev.candidate, text: held, tokens: 0 };
        finished = true;
        yield ev;
      } else {
        yield ev;
      }
    }
    if (code === undefined || finished || input.signal.aborted) return;
    yield { type: 'executable-code', candidate: 0, code };
    const result = await runner.run(code, { signal: input.signal });
    if (input.signal.aborted) return;
    yield { type: 'code-execution-result', candidate: 0, outcome: result.outcome, output: result.output };
    for (const f of result.figures) yield { type: 'inline-data', candidate: 0, mimeType: f.mimeType, data: f.data };
    reply += scanner.raw + renderCodeOutput(result.outcome, result.output);
  }
}

function withInstructions(messages: ChatMessage[]): ChatMessage[] {
  const [first, ...rest] = messages;
  if (first?.role === 'system') {
    return [{ role: 'system', parts: [{ type: 'text', text: `${CODE_EXECUTION_INSTRUCTIONS}\n\n` }, ...first.parts] }, ...rest];
  }
  return [{ role: 'system', parts: [{ type: 'text', text: CODE_EXECUTION_INSTRUCTIONS }] }, ...messages];
}
