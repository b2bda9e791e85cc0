/**
 * The program of each worker thread of `JsonParsePool` (parse-json-off-thread.ts): joins a large
 * request body's blocks, decodes them as UTF-8 and parses them with `parseJsonText`, the main thread's
 * own function, so the answers are the same; the parsed message goes back by structured clone.
 */
import { parentPort } from 'node:worker_threads';
import { parseJsonText } from './parse-json-text.js';
import type { ParseJob, ParseReply } from './parse-json-off-thread.js';

parentPort!.on('message', (job: ParseJob) => {
  // Buffer.from(arrayBuffer) is a view of the transferred bytes, not a copy (nodejs.org/api/buffer.html#static-method-bufferfromarraybuffer-byteoffset-length).
  const text = Buffer.concat(job.blocks.map((b) => Buffer.from(b)), job.length).toString('utf8');
  const reply: ParseReply = { id: job.id, ...parseJsonText(text) };
  parentPort!.postMessage(reply);
});
