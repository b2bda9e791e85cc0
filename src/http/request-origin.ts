import type { FastifyRequest } from 'fastify';

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * `scheme://host[:port]` of the request, for URLs the server hands out (upload URLs, File
 * `uri`s). From the Host header, which the client controls, so it is used only when it is a
 * plain host[:port]; otherwise the local address. The SDKs replace scheme, host and port of an
 * upload URL with their own base URL's anyway (`uploadBlobInternal` in js-genai
 * src/cross/_cross_uploader.ts, `_upload_fd` in python-genai google/genai/_api_client.py): what
 * must be right is the path.
 */
export function requestOrigin(request: FastifyRequest): string {
  const scheme = request.protocol === 'https' ? 'https' : 'http';
  const host = request.host;
  if (typeof host === 'string' && HOST.test(host)) return `${scheme}://${host}`;
  const local = request.socket?.localAddress ?? '127.0.0.1';
  const port = request.socket?.localPort;
  const name = local.includes(':') ? `[${local}]` : local;
  return `${scheme}://${name}${port ? `:${port}` : ''}`;
}
