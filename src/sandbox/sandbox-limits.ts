/**
 * The limits of the code-execution sandbox: Google's documented one (the 30 s run time, cited),
 * and gemserve's own bounds for running untrusted Python on a local machine (each says why).
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** What one sandboxed run may use, and how many run at once. */
export interface SandboxLimits {
  /** Wall-clock time before the whole process tree is killed (OUTCOME_DEADLINE_EXCEEDED). */
  wallMs: number;
  /** CPU seconds per process (RLIMIT_CPU): SIGXCPU, then SIGKILL a second later (OUTCOME_DEADLINE_EXCEEDED). */
  cpuSeconds: number;
  /**
   * The run's memory budget: what all of its processes, its /tmp and its /dev/shm together may
   * take from the host. A cgroup's memory.max where the host delegates one; otherwise divided
   * into each process's address space (RLIMIT_AS), see run-memory-budget.ts.
   */
  memoryBytes: number;
  /** Processes and threads the program may run at once (RLIMIT_NPROC on a uid of its own; pids.max in a cgroup). */
  maxProcesses: number;
  /** Most bytes of `output` returned; more is cut, with a note saying so. */
  maxOutputBytes: number;
  /** Runs at once, over all requests: with the budget, what bounds the host memory code execution takes. */
  maxRuns: number;
  /** Runs waiting for one of `maxRuns`; one more is not run (OUTCOME_FAILED, saying the sandbox is busy). 0: none wait. */
  maxQueuedRuns: number;
}

/**
 * "Code execution can run for a maximum of 30 seconds before timing out"
 * (cloud.google.com/vertex-ai/generative-ai/docs/multimodal/code-execution-api, Limitations;
 * ai.google.dev/gemini-api/docs/code-execution says the same).
 */
export const GEMINI_CODE_EXECUTION_TIMEOUT_MS = 30_000;

/**
 * Defaults: Gemini's 30 s of wall time, and as many CPU seconds (a single-threaded program can
 * use no more in 30 s). A budget of 4 GiB per run and 6 processes and threads: without a cgroup
 * that is 464 MiB of address space per process ((4 GiB - 128 MiB of tmpfs) / (6 + bwrap's 2),
 * less 32 MiB each for kernel buffers),
 * where importing numpy, pandas and matplotlib and drawing a figure needs about 285 MiB
 * (VmPeak, measured with OpenBLAS held to one thread); room for a small pool of workers, not for
 * a fork bomb. 2 runs at once (a run is a core's worth of work, and 2 x 4 GiB is the most code
 * execution can take from the host), 8 more waiting. 64 KiB of output: what a model can usefully
 * read back.
 */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = Object.freeze({
  wallMs: GEMINI_CODE_EXECUTION_TIMEOUT_MS,
  cpuSeconds: GEMINI_CODE_EXECUTION_TIMEOUT_MS / 1000,
  memoryBytes: 4 * GiB,
  maxProcesses: 6,
  maxOutputBytes: 64 * KiB,
  maxRuns: 2,
  maxQueuedRuns: 8,
});

/**
 * The least address space a process may be given: below it Debian's numpy cannot even be
 * imported (its import peaks at about 285 MiB with one OpenBLAS thread), so a budget divided
 * more thinly than this is refused at startup instead of failing every run.
 */
export const MIN_PROCESS_MEMORY_BYTES = 384 * MiB;

/** Processes bwrap itself adds to a run's uid: the outer monitor and the namespace's init. */
export const BWRAP_PROCESSES = 2;

/**
 * Kernel memory a process can pin through its open files without a cgroup to count it: at 256
 * open files, socketpairs whose send buffers are full held 27 MiB per process (measured in the
 * sandbox on Linux 6.18: 128 pairs x net.core.wmem_default, 208 KiB). Set aside from the budget
 * for each process in rlimits mode.
 */
export const KERNEL_BYTES_PER_PROCESS = 32 * MiB;

/**
 * The sandbox's /tmp is a tmpfs (memory) of this size: room for scratch files, and a bound on
 * what a program can take from the host's memory by writing files.
 */
export const SANDBOX_TMP_BYTES = 64 * MiB;

/** Largest single file a program may write (RLIMIT_FSIZE); below the tmpfs size anyway. */
export const SANDBOX_MAX_FILE_BYTES = 32 * MiB;

/** Open files per process (RLIMIT_NOFILE): plenty for Python and its libraries. */
export const SANDBOX_MAX_OPEN_FILES = 256;

/** Most figures returned from one run; later ones are dropped with a note in the output. */
export const MAX_FIGURES = 10;

/** Largest PNG returned per figure. */
export const MAX_FIGURE_BYTES = 8 * MiB;

/**
 * Largest figure rendered, in pixels (width x height at its dpi): 25 MP, far beyond a chart, but
 * a `figsize=(1000, 1000)` figure is refused before Agg tries to allocate it.
 */
export const MAX_FIGURE_PIXELS = 25_000_000;

/**
 * A program whose stdout and stderr together pass this many bytes is stopped (OUTCOME_FAILED):
 * beyond `maxOutputBytes` the bytes are only counted, but draining an endless `print` loop for
 * 30 s would still cost the server a core.
 */
export const OUTPUT_FLOOD_BYTES = 16 * MiB;

/** Most bytes of stderr (the traceback's end) kept for a failed run's `output`. */
export const MAX_ERROR_TAIL_BYTES = 8 * KiB;

/**
 * When gemserve runs as root, each run gets a uid of its own, picked at random from
 * [SANDBOX_UID_BASE, SANDBOX_UID_BASE + SANDBOX_UID_COUNT): RLIMIT_NPROC counts per real uid and
 * does not bind uid 0, so this is what bounds a fork bomb, and one run's processes never count
 * against another's. Far above any login or subordinate (rootless container) uid range.
 */
export const SANDBOX_UID_BASE = 1_900_000_000;
export const SANDBOX_UID_COUNT = 100_000_000;
