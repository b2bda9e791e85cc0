import type { FastifyReply, FastifyRequest } from 'fastify';
import { Errors, type GemserveError } from '../core/errors.js';

/** The abort signal of one HTTP exchange, and why it fired. */
export interface RequestWatch {
  /** Aborts when the client goes away or its deadline passes; handed to the engine. */
  readonly signal: AbortSignal;
  /** `deadlineExceeded` or `cancelled` once aborted, else undefined. */
  abortReason(): GemserveError | undefined;
  /** True when the abort is the client's disconnect (there is nobody left to answer). */
  readonly clientGone: boolean;
  /** Stops watching; call when the exchange is over. */
  dispose(): void;
}

/** setTimeout's ceiling (~24.8 days); longer deadlines are as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Watches a request so that generation stops when nobody waits for it any more:
 * - the client disconnects: the response's `close` fires before it finished (the request's
 *   own `close` fires as soon as its body is read since Node 16, so it cannot tell);
 * - the client's deadline passes: `X-Server-Timeout: <seconds>`, which the SDKs send when
 *   `httpOptions.timeout` is set (`SERVER_TIMEOUT_HEADER` in js-genai src/_api_client.ts,
 *   `populate_server_timeout_header` in python-genai google/genai/_api_client.py).
 */
export function watchRequest(request: FastifyRequest, reply: FastifyReply): RequestWatch {
  const controller = new AbortController();
  const res = reply.raw;
  let clientGone = false;
  const onClose = () => {
    if (res.writableFinished || controller.signal.aborted) return;
    clientGone = true;
    // Not a fault: logged at info, with no stack (issue 14 found each abort logged as an error).
    request.log.info('client closed the connection');
    controller.abort(Errors.cancelled());
  };
  res.on('close', onClose);
  if (res.socket?.destroyed) onClose();

  let timer: NodeJS.Timeout | undefined;
  const seconds = Number(request.headers['x-server-timeout']);
  if (Number.isFinite(seconds) && seconds > 0) {
    timer = setTimeout(() => controller.abort(Errors.deadlineExceeded()), Math.min(seconds * 1000, MAX_TIMER_MS));
  }

  return {
    signal: controller.signal,
    abortReason: () => (controller.signal.aborted ? (controller.signal.reason as GemserveError) : undefined),
    get clientGone() {
      return clientGone;
    },
    dispose() {
      res.off('close', onClose);
      if (timer) clearTimeout(timer);
    },
  };
}
