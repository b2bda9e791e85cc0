import type { FastifyRequest, onRequestHookHandler } from 'fastify';

/** When each request arrived (`performance.now()`), set by {@link markArrival}. */
const arrivals = new WeakMap<object, number>();

/**
 * The `onRequest` hook that notes when a request arrived, so latencies count from arrival
 * (body parsing, auth and limits included). Fastify's own `reply.elapsedTime` only runs when
 * request logging is on.
 */
export const markArrival: onRequestHookHandler = (request, _reply, done) => {
  arrivals.set(request.raw, performance.now());
  done();
};

/** When `request` arrived; now if the hook did not see it. */
export function arrivalOf(request: FastifyRequest): number {
  return arrivals.get(request.raw) ?? performance.now();
}
