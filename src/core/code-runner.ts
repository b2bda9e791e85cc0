/**
 * What the code-execution tool needs from a sandbox (src/sandbox/ implements it): run one
 * Python program, confined, and say how it went. Kept here, beside the engine spec, so the
 * tool loop (code-execution-loop.ts) stays free of process and file-system details.
 */

/** Gemini's `codeExecutionResult.outcome` values a run can end with. */
export type CodeOutcome = 'OUTCOME_OK' | 'OUTCOME_FAILED' | 'OUTCOME_DEADLINE_EXCEEDED';

export interface CodeRunResult {
  outcome: CodeOutcome;
  /** stdout, and on failure the error, as Gemini's tool reports it. */
  output: string;
  /** Figures the program left open or showed (matplotlib), as PNG bytes, in order. */
  figures: Array<{ mimeType: 'image/png'; data: Uint8Array }>;
}

export interface CodeRunner {
  /** Runs one program in a fresh sandbox; rejects only when the sandbox itself broke. */
  run(code: string, options?: { signal?: AbortSignal }): Promise<CodeRunResult>;
  /** e.g. `bubblewrap 0.8.0, Python 3.11.2`. */
  readonly description: string;
}
