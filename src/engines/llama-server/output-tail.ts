/**
 * The last lines a child process wrote, kept so that errors can say why it died. Bounded by
 * lines and characters, so a chatty child costs a fixed amount of memory.
 */
export class OutputTail {
  readonly #lines: string[] = [];
  #partial = '';

  constructor(readonly maxLines = 40, readonly maxLineChars = 500) {}

  /** Adds a chunk of output; returns the complete lines it finished. */
  push(chunk: string): string[] {
    const parts = (this.#partial + chunk).split(/\r?\n/);
    this.#partial = parts.pop() ?? '';
    const done = parts.filter((l) => l.trim() !== '').map((l) => l.slice(0, this.maxLineChars));
    for (const l of done) this.#lines.push(l);
    if (this.#lines.length > this.maxLines) this.#lines.splice(0, this.#lines.length - this.maxLines);
    return done;
  }

  /** The kept lines (and an unfinished last one), newest last. */
  text(lines = this.maxLines): string {
    const all = this.#partial.trim() ? [...this.#lines, this.#partial.slice(0, this.maxLineChars)] : this.#lines;
    return all.slice(-lines).join('\n');
  }
}
