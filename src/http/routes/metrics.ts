import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from '../../gateway/metrics/gateway-metrics.js';

/**
 * `GET /metrics`: the Prometheus text exposition of `metrics` (src/gateway/metrics/). Public, as
 * scrapers usually carry no credential (`--metrics off` removes the route); it holds counts and
 * key *names*, never a key or a prompt. Served at the root and under the mount prefix.
 */
export function registerMetrics(app: FastifyInstance, paths: string[], metrics: GatewayMetrics): void {
  for (const url of paths) {
    app.get(url, { config: { public: true } }, async (_request, reply) => {
      const text = await metrics.metrics();
      return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
    });
  }
}
