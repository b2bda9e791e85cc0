import type { RecordedResponse } from './recording-format.js';
import type { ReplayedResponse } from './send-request.js';

/**
 * Resource names the Gemini API creates and later requests refer to: Files, cached contents,
 * batches and their long-running operations, tuned models, File Search stores
 * (ai.google.dev/api/files, /caching, /batch-mode, /file-search).
 */
const RESOURCE_NAME = /\b(?:files|cachedContents|batches|operations|tunedModels|fileSearchStores)\/[A-Za-z0-9_.-]+/g;

/** The resumable upload's session URL header (ai.google.dev/api/files#method:-media.upload). */
const UPLOAD_URL_HEADER = 'x-goog-upload-url';

/**
 * Maps what Google created during a recording to what gemserve created when the same request
 * was replayed, so the recording's later requests reach gemserve's resources: names
 * (`files/abc`), their URIs (`fileUri`), and resumable upload session URLs.
 */
export class ResourceNameMap {
  /** Google's string → gemserve's, learned from answers to the same request. */
  private readonly mapped = new Map<string, string>();
  /** Every resource name gemserve has answered with: references to these need no mapping. */
  private readonly known = new Set<string>();

  /** Learns from one interaction: strings at the same JSON path of both bodies, and the upload URL header. */
  learn(google: RecordedResponse, gemserve: ReplayedResponse): void {
    const theirs = gemserve.bodySegments;
    (google.bodySegments ?? []).forEach((segment, i) => this.pair(segment, theirs[i]));
    for (const segment of theirs) for (const name of namesIn(JSON.stringify(segment) ?? '')) this.known.add(name);
    const googleUpload = headerOf(google.headers, UPLOAD_URL_HEADER);
    const ourUpload = headerOf(gemserve.headers, UPLOAD_URL_HEADER);
    if (googleUpload && ourUpload) this.mapped.set(pathAndQuery(googleUpload), pathAndQuery(ourUpload));
  }

  /** Rewrites a URL or body; returns the references to resources it could not map. */
  rewrite(text: string): { text: string; unmapped: string[] } {
    let out = text;
    for (const [from, to] of [...this.mapped].sort((a, b) => b[0].length - a[0].length)) {
      out = out.replace(new RegExp(`${escapeRegExp(from)}(?![A-Za-z0-9_.-])`, 'g'), to);
    }
    const unmapped = [...new Set(namesIn(out).filter((n) => !this.known.has(n)))];
    return { text: out, unmapped };
  }

  /** What was learned, for the report. */
  entries(): [string, string][] {
    return [...this.mapped];
  }

  private pair(google: unknown, ours: unknown): void {
    if (typeof google === 'string' && typeof ours === 'string') {
      if (google !== ours && namesIn(google).length > 0 && namesIn(ours).length > 0) this.mapped.set(google, ours);
    } else if (Array.isArray(google) && Array.isArray(ours)) {
      google.forEach((g, i) => this.pair(g, ours[i]));
    } else if (isObject(google) && isObject(ours)) {
      for (const [k, v] of Object.entries(google)) this.pair(v, ours[k]);
    }
  }
}

function namesIn(text: string): string[] {
  return text.match(RESOURCE_NAME) ?? [];
}

function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** `http://localhost:1453/upload/v1beta/files?upload_id=x` → `/upload/v1beta/files?upload_id=x`: recorded URLs are paths. */
function pathAndQuery(url: string): string {
  const u = new URL(url, 'http://localhost');
  return `${u.pathname}${u.search}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
