import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { Errors } from '../core/errors.js';
import { toErrorEnvelope } from './error-envelope.js';

/**
 * Google's text for a request its frontend cannot parse ("Your client has issued a malformed or
 * illegal request.", the GFE's 400 page); gemserve sends it in the JSON envelope.
 */
const MALFORMED = 'Your client has issued a malformed or illegal request.';

/**
 * The status of a request Node's HTTP parser refused, before Fastify saw it. Google's frontend
 * answers these with an HTML page, not the API's envelope, so the HTTP status follows HTTP
 * (RFC 6585 section 5 for 431, RFC 9110 for 408 and 400) and the google.rpc status follows the
 * canonical mapping of cloud.google.com/apis/design/errors: a client's malformed or oversized
 * request is INVALID_ARGUMENT; a request that did not arrive in time is DEADLINE_EXCEEDED.
 */
function clientErrorOf(code: string | undefined): { httpStatus: number; message: string; status?: 'DEADLINE_EXCEEDED' } {
  if (code === 'HPE_HEADER_OVERFLOW') return { httpStatus: 431, message: 'Request header fields too large.' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { httpStatus: 408, message: 'The request did not arrive in time.', status: 'DEADLINE_EXCEEDED' };
  return { httpStatus: 400, message: MALFORMED };
}

/** Google's envelope (INVALID_ARGUMENT unless `status` says otherwise) with `httpStatus` as its code, as JSON text. */
function envelopeJson(httpStatus: number, message: string, status?: 'DEADLINE_EXCEEDED'): string {
  const { body } = toErrorEnvelope(Errors.invalidArgument(message));
  body.error.code = httpStatus;
  if (status) body.error.status = status;
  return JSON.stringify(body);
}

/** The raw HTTP/1.1 response for a parser error: Google's envelope, `Connection: close`. */
export function clientErrorResponse(code: string | undefined): string {
  const { httpStatus, message, status } = clientErrorOf(code);
  const json = envelopeJson(httpStatus, message, status);
  return `HTTP/1.1 ${httpStatus} ${STATUS_CODES[httpStatus]}\r\n`
    + 'Content-Type: application/json; charset=UTF-8\r\n'
    + `Content-Length: ${Buffer.byteLength(json)}\r\n`
    + 'Connection: close\r\n\r\n'
    + json;
}

/**
 * Fastify's `clientErrorHandler` (Node's `clientError` event): a request Node's parser refuses
 * (oversized headers, a garbage request line, bad chunked encoding, a header timeout) is answered
 * in Google's envelope rather than Fastify's own body, and its socket closed. Nothing is written
 * when the client is gone or a response has already started on the socket. Logged at debug: the
 * request never became one, and a flood of garbage must not flood the log.
 */
export function answerClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (err.code !== 'ECONNRESET' && !socket.destroyed && socket.writable && !started) {
    socket.write(clientErrorResponse(err.code));
  }
  this.log.debug({ code: err.code }, 'malformed HTTP request refused');
  socket.destroy();
}

/**
 * Node's HTTP server answers two requests itself, with a status and no body: an `Expect` other
 * than `100-continue` (417, when nothing listens to 'checkExpectation',
 * nodejs.org/api/http.html#event-checkexpectation) and an HTTP/1.1 request without `Host` (400,
 * with the server option `requireHostHeader`, RFC 9112 section 3.2). Both get Google's envelope
 * here instead: the 417 from the listener, the 400 from {@link refuseMissingHost} once the server
 * is created with `requireHostHeader: false`. The connection is closed after the 417, whose body
 * is never read. A `CONNECT` (this is no proxy), which Node closes without a word when nothing
 * listens to 'connect' (nodejs.org/api/http.html#event-connect), gets the malformed-request 400.
 */
export function answerNodeRefusals(app: FastifyInstance): void {
  app.server.on('connect', (_req, socket: Duplex) => {
    socket.on('error', () => undefined);
    socket.end(clientErrorResponse(undefined));
  });
  app.server.on('checkExpectation', (_req, res) => {
    const json = envelopeJson(417, 'Expectation failed: this server meets no expectation but 100-continue.');
    res.writeHead(417, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(json), connection: 'close' });
    res.end(json);
  });
}

/** The `onRequest` hook answering an HTTP/1.1 request without `Host` with Google's 400 (see {@link answerNodeRefusals}). */
export const refuseMissingHost: onRequestHookHandler = (request, _reply, done) => {
  const { httpVersionMajor, httpVersionMinor } = request.raw;
  if (request.headers.host === undefined && httpVersionMajor === 1 && httpVersionMinor >= 1) return done(Errors.invalidArgument(MALFORMED));
  done();
};
