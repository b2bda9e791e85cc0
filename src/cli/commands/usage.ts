/** `gemserve usage`: usage and cost totals or time series from `<dataDir>/gemserve.db`. */
import { existsSync } from 'node:fs';
import { ConfigError } from '../../config/config-error.js';
import { loadSettings } from '../../config/load-settings.js';
import { formatUsageReport } from '../../gateway/usage/format-usage-report.js';
import { parseUsageQuery, UsageQueryError } from '../../gateway/usage/parse-usage-query.js';
import { summarizeUsage, reportUsage } from '../../gateway/usage/usage-report.js';
import { SqliteUsageStore } from '../../gateway/usage/sqlite-usage-store.js';
import { databaseFileIn, openDatabase } from '../../storage/sqlite/open-database.js';
import type { Command } from './command.js';


const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The `usage` command. */
export const usageCommand: Command = {
  name: 'usage',
  summary: 'Report recorded usage and cost: totals or a time series, by key, model or client.',
  usage: 'usage [--since DATE] [--until DATE] [--by key|model|client] [--interval hour|day] [--format table|json|csv] [options]',
  description: [
    'Reads what the server recorded in <data dir>/gemserve.db (also while it runs). Dates are UTC:',
    '2026-11-01, or 2026-11-01T12:00:00Z; a date alone as --until includes that whole day.',
    'Costs are what Google would bill for the same usageMetadata (USD, src/gateway/usage/gemini-prices.ts',
    'and --prices at the time of recording). The admin API serves the same: GET /admin/v1/usage.',
  ].join('\n'),
  settingsOf: 'usage',
  options: {
    since: { type: 'string', valueName: 'DATE', help: 'First instant to include (UTC).' },
    until: { type: 'string', valueName: 'DATE', help: 'End of the window (UTC; a date alone includes that day).' },
    by: { type: 'string', valueName: 'GROUP', help: 'Group rows by key, model or client (x-goog-api-client).' },
    interval: { type: 'string', valueName: 'SIZE', help: 'A time series by hour or day (UTC) instead of totals.' },
    format: { type: 'string', valueName: 'FORMAT', help: 'table (default), json or csv.' },
  },
  async run({ flags, positionals }, ctx) {
    if (positionals.length) throw new ConfigError(`usage takes no arguments (got ${positionals.join(' ')})`);
    let query;
    try {
      query = parseUsageQuery({
        since: text(flags.since), until: text(flags.until), by: text(flags.by), interval: text(flags.interval), format: text(flags.format),
      });
    } catch (e) {
      if (e instanceof UsageQueryError) throw new ConfigError(`--${e.message}`);
      throw e;
    }
    const { settings } = await loadSettings({ command: 'usage', flags, env: ctx.env, cwd: ctx.cwd });
    const file = databaseFileIn(settings.dataDir);
    let report;
    if (!existsSync(file)) {
      ctx.stderr.write(`no usage recorded yet: ${file} does not exist\n`);
      report = summarizeUsage([], query);
    } else {
      const db = openDatabase(file);
      try {
        report = reportUsage(new SqliteUsageStore(db), query);
      } finally {
        db.close();
      }
    }
    ctx.stdout.write(formatUsageReport(report, query.format ?? 'table'));
    return 0;
  },
};
