/**
 * Small helpers for the generated reference pages: GitHub-flavoured Markdown tables and inline
 * code, escaped so that text written for `--help` (with `<sub>`, `PATH|NAME`, ...) renders as
 * written (https://github.github.com/gfm/#tables-extension-).
 */

/** The first line of every generated page: says where it comes from and how to regenerate it. */
export function generatedNotice(source: string): string {
  return `<!-- Generated from ${source} by scripts/generate-docs.ts. Do not edit: change the source, then run \`npm run docs:generate\`. -->`;
}

/** Inline code, fenced with enough backticks for the text (GFM code spans). */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/**
 * Plain text for a table cell: `|` escaped everywhere (GFM requires it inside code spans too),
 * `<` and `>` outside code spans so they are not read as HTML tags.
 */
export function cell(text: string): string {
  return text
    .split(/(`+[^`]*`+)/)
    .map((piece, i) => (i % 2 === 1 ? piece : piece.replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');
}

/** A table; cells are used as given, so escape plain text with {@link cell}. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A fenced code block, with a fence longer than any backtick run inside. */
export function codeBlock(text: string, lang = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}
