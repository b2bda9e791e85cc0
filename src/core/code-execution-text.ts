/**
 * How the code-execution tool's turns read to the model: the code it wrote as a fenced
 * ```python block, and what running it printed as a fenced ```output block. The same text goes
 * both ways: the tool loop (code-execution-loop.ts) finds the model's ```python blocks and
 * answers with an output block, and a client sending those turns back as `executableCode` /
 * `codeExecutionResult` parts gets them rendered exactly as the model first saw them.
 */
export const OPEN_FENCE = '```python\n';
export const CLOSE_FENCE = '\n```';

export function renderExecutableCode(code: string): string {
  return `${OPEN_FENCE}${code}${CLOSE_FENCE}`;
}

export function renderCodeOutput(outcome: string, output: string): string {
  return `\n\`\`\`output\n${outcome === 'OUTCOME_OK' ? '' : `${outcome}\n`}${output}\n\`\`\`\n`;
}
