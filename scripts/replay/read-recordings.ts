import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingFile } from './recording-format.js';

/** The recordings found in a folder: the HTTP ones parsed, the WebSocket (Live API) ones only named. */
export interface RecordingSet {
  http: { file: string; recording: RecordingFile }[];
  websocket: string[];
  /** Files that were neither, or did not parse, with the reason. */
  unreadable: { file: string; reason: string }[];
}

/** Reads every `*.json` and `*.websocket.log` in `dir` (not recursively), sorted by name. */
export async function readRecordings(dir: string): Promise<RecordingSet> {
  const names = (await readdir(dir)).sort();
  const set: RecordingSet = { http: [], websocket: [], unreadable: [] };
  for (const file of names) {
    if (file.endsWith('.websocket.log')) {
      set.websocket.push(file);
    } else if (file.endsWith('.json')) {
      try {
        const recording = JSON.parse(await readFile(join(dir, file), 'utf8')) as RecordingFile;
        if (!Array.isArray(recording.interactions)) throw new Error('no "interactions" array');
        set.http.push({ file, recording });
      } catch (e) {
        set.unreadable.push({ file, reason: (e as Error).message });
      }
    }
  }
  return set;
}
