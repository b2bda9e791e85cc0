/**
 * Reads a reply written under the prompted tool format (prompted-tool-format.ts):
 * `{"tool_calls":[{"name","arguments"}, ...]}` or `{"response":"..."}`. Each call comes with the
 * offset in the text where its object ends, so the tokens that wrote it can be told apart
 * from the next call's (collect-prompted-tool-calls.ts).
 */

/** One call of a reply; `end` is the offset just past its closing brace. */
export interface PromptedCall {
  name: string;
  args: Record<string, unknown>;
  end: number;
}

/** A parsed reply: calls, or a text answer. */
export type PromptedReply = { calls: PromptedCall[] } | { text: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Offsets just past each object that closes at depth 2 (the elements of the one top-level array). */
function elementEnds(text: string): number[] {
  const ends: number[] = [];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (ch === '}' && depth === 2) ends.push(i + 1);
    }
  }
  return ends;
}

/**
 * Parses a complete reply.
 * @throws Error when the text is not a reply of the format (the grammar makes that impossible
 *   for a finished reply; a caller seeing it has a bug or a reply cut short).
 */
export function parsePromptedToolReply(text: string): PromptedReply {
  const value: unknown = JSON.parse(text);
  if (isObject(value) && typeof value.response === 'string') return { text: value.response };
  if (!isObject(value) || !Array.isArray(value.tool_calls)) throw new Error(`not a prompted tool reply: ${text.slice(0, 200)}`);
  const ends = elementEnds(text);
  const calls = value.tool_calls.map((c: unknown, i): PromptedCall => {
    if (!isObject(c) || typeof c.name !== 'string') throw new Error(`prompted tool call ${i} has no name`);
    const args = c.arguments === undefined ? {} : c.arguments;
    if (!isObject(args)) throw new Error(`prompted tool call ${i} has arguments that are not an object`);
    return { name: c.name, args, end: ends[i] ?? text.length };
  });
  return { calls };
}
