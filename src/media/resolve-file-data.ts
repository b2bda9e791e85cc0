/**
 * The one thing the media step needs from the Files API: a file's bytes and MIME type by its
 * `fileData.fileUri` (`files/<id>`, or the full URI this server handed out), for the caller that
 * sent the request (the HTTP layer binds the caller's identity). It throws the catalog's error
 * for a file that does not exist or is not the caller's.
 */
export type ResolveFileData = (fileUri: string) => Promise<{ mimeType: string; data: Uint8Array }>;
