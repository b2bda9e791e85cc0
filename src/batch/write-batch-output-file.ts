import type { BatchOutputLine, RpcStatus } from '../api/gemini/types.js';
import { isGemserveError } from '../core/errors.js';
import type { BatchItem, BatchJob } from '../storage/batches/batch-record.js';
import type { FileService } from '../storage/files/file-service.js';

/** The output File's id: fixed per job, so writing it again after a crash replaces it rather than adding a second. */
export function outputFileIdOf(jobId: string): string {
  return `batch-${jobId}`;
}

/** One JSONL output line: the input line's `key` and the response, or the error (Google's output File format). */
function lineOf(item: BatchItem): BatchOutputLine {
  return {
    ...(item.key !== undefined ? { key: item.key } : {}),
    ...(item.state === 'done' ? { response: item.response as BatchOutputLine['response'] } : { error: item.error as RpcStatus }),
  };
}

/**
 * Writes a file job's results as a JSONL File owned by the job's owner (Files API: downloadable
 * with `files.download`, kept 48 hours like any File), one line per finished request in input
 * order; returns its name (`files/batch-<job>`). A File left by an earlier attempt (a crash
 * between writing it and recording it) is replaced.
 */
export async function writeBatchOutputFile(files: FileService, job: BatchJob, items: readonly BatchItem[]): Promise<string> {
  const id = outputFileIdOf(job.id);
  try {
    await files.delete(job.owner, id);
  } catch (e) {
    // None there: the usual case.
    if (!isGemserveError(e) || e.code !== 'FILE_NOT_FOUND') throw e;
  }
  const text = items.filter((i) => i.state === 'done' || i.state === 'failed').map((i) => `${JSON.stringify(lineOf(i))}\n`).join('');
  const session = await files.uploads.start({
    owner: job.owner, fileId: id, displayName: `${job.displayName ?? job.id} results`, mimeType: 'application/jsonl',
  });
  const result = await files.uploads.append(session.id, 0, Buffer.from(text, 'utf8'), true);
  if (result.status !== 'final') throw new Error(`the output File of batch ${job.id} was not finalized`);
  return result.file.name;
}
