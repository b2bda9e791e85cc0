/**
 * The `data` payloads of a server-sent event stream (WHATWG HTML, "Server-sent events",
 * §9.2.6 interpreting an event stream): lines `data: x` accumulate (joined with "\n") until a
 * blank line dispatches them; `:` lines are comments (llama-server's keep-alive pings); other
 * fields (`event`, `id`, `retry`) are not used by llama-server's OpenAI-style streams nor by Gemini's `alt=sse` streams
 * and are ignored. Shared by llama-server, gemini-upstream and openai-compatible.
 */
export async function* parseSseData(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  for await (const chunk of stream) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      if (line === '') {
        if (data.length) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) {
        data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
    }
  }
  buffer += decoder.decode();
  if (buffer.startsWith('data:')) data.push(buffer.slice(buffer.startsWith('data: ') ? 6 : 5).replace(/\r?\n?$/, ''));
  if (data.length) yield data.join('\n');
}
