import type { FastifyInstance } from 'fastify';
import { Errors } from '../../core/errors.js';
import { formatUsageCsv, formatUsageJson } from '../../gateway/usage/format-usage-report.js';
import { parseUsageQuery, UsageQueryError } from '../../gateway/usage/parse-usage-query.js';
import { reportUsage } from '../../gateway/usage/usage-report.js';
import type { UsageStore } from '../../gateway/usage/usage-store.js';
import { requireAdmin } from '../require-admin.js';

/** What the usage admin API needs. */
export interface AdminUsageOptions {
  store: UsageStore;
  /** The admin credential (`Authorization: Bearer <admin key>`). */
  adminKey: string;
}

const PARAMS = ['since', 'until', 'by', 'interval', 'format'];

/**
 * `GET /admin/v1/usage?since=&until=&by=key|model|client&interval=hour|day&format=json|csv`:
 * usage and cost totals, or a time series, as `gemserve usage` prints them (JSON by default;
 * `format=csv` as `text/csv`). Authorised by the admin key alone, like the keys admin API.
 * Bad parameters are 400 INVALID_ARGUMENT naming the parameter.
 */
export function registerAdminUsage(app: FastifyInstance, opts: AdminUsageOptions): void {
  const route = { config: { public: true }, onRequest: requireAdmin(opts.adminKey) };
  app.get('/admin/v1/usage', route, async (request, reply) => {
    const raw = (request.query ?? {}) as Record<string, unknown>;
    const text: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (!PARAMS.includes(k)) throw Errors.invalidArgument(`Unknown query parameter "${k}"; expected ${PARAMS.join(', ')}.`);
      if (typeof v !== 'string') throw Errors.invalidArgument(`Query parameter "${k}" must be given once.`);
      text[k] = v;
    }
    let query;
    try {
      query = parseUsageQuery(text);
    } catch (e) {
      if (e instanceof UsageQueryError) throw Errors.invalidArgument(e.message);
      throw e;
    }
    if (query.format === 'table') throw Errors.invalidArgument('format must be json or csv.');
    const report = reportUsage(opts.store, query);
    if (query.format === 'csv') {
      return reply.header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="gemserve-usage.csv"').send(formatUsageCsv(report));
    }
    return reply.header('content-type', 'application/json; charset=utf-8').send(formatUsageJson(report));
  });
}
