import { FILE_ID_PATTERN } from './file-record.js';

/**
 * The File id a `fileData.fileUri` or a File name refers to, or undefined when it names no
 * File of this server. Accepted (apps pass a File's `uri` as `fileData.fileUri`,
 * ai.google.dev/api/files; the SDKs take a name or a URI, `tFileName` in js-genai
 * src/_transformers.ts):
 * - `files/<id>` (the File's `name`);
 * - a bare `<id>`;
 * - a File `uri` as this server hands them out, `http(s)://<any host>[/<prefix>]/<version>/files/<id>`.
 *   Any host, because a server is reached under many names (localhost, a LAN address, a proxy);
 *   ownership, not the host, decides access.
 */
export function fileIdOf(uriOrName: string): string | undefined {
  if (typeof uriOrName !== 'string') return undefined;
  let id = uriOrName;
  if (/^https?:\/\//i.test(uriOrName)) {
    let url: URL;
    try {
      url = new URL(uriOrName);
    } catch {
      return undefined;
    }
    const m = /\/(?:v1beta|v1|v1alpha)\/files\/([^/]+)$/.exec(url.pathname);
    if (!m) return undefined;
    id = m[1];
  } else if (id.startsWith('files/')) {
    id = id.slice('files/'.length);
  }
  return FILE_ID_PATTERN.test(id) ? id : undefined;
}
