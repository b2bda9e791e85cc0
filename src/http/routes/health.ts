import type { FastifyInstance } from 'fastify';
import { Errors } from '../../core/errors.js';

/**
 * `GET /healthz`: 200 `{"status":"ok"}` once the models are ready, else 503 UNAVAILABLE in
 * Google's error format. Needs no API key. Served at the root and under the mount prefix.
 */
export function registerHealth(app: FastifyInstance, paths: string[], isReady: () => boolean): void {
  for (const url of paths) {
    app.get(url, { config: { public: true } }, async () => {
      if (!isReady()) throw Errors.notReady();
      return { status: 'ok' };
    });
  }
}
