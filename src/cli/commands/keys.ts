/**
 * `gemserve keys create|list|revoke|rotate`: manages the API keys in `<dataDir>/gemserve.db`,
 * the file `serve` reads them from. Safe beside a running server on the same file (SQLite WAL
 * and a busy timeout): a key created or revoked here takes effect on the server's next request.
 */
import { ConfigError } from '../../config/config-error.js';
import { loadSettings } from '../../config/load-settings.js';
import { integer } from '../../config/setting-parsers.js';
import { isGemserveError } from '../../core/errors.js';
import type { Quotas } from '../../gateway/caller.js';
import { checkNewKey } from '../../gateway/keys/check-key-settings.js';
import { keyRefusal, type IssuedKey, type KeyRecord } from '../../gateway/keys/key-record.js';
import { parseDuration } from '../../gateway/keys/parse-duration.js';
import { SqliteKeyStore } from '../../gateway/keys/sqlite-key-store.js';
import type { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import type { Command } from './command.js';
import { databaseFileIn } from '../../storage/sqlite/open-database.js';


const USAGE = 'usage: gemserve keys create --name NAME [options] | list [--json] | revoke ID | rotate ID [--grace 10m]';

type Flags = Record<string, string | boolean | string[] | undefined>;

const str = (flags: Flags, name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The admin API's create body from the flags, so both go through the same checks. */
function newKeyBody(flags: Flags): Record<string, unknown> {
  const body: Record<string, unknown> = { name: str(flags, 'name') };
  const expires = str(flags, 'expires');
  if (expires !== undefined) body[parseDuration(expires) === undefined ? 'expiresAt' : 'expiresIn'] = expires;
  const models = str(flags, 'models');
  if (models !== undefined) body.allowedModels = list(models);
  const quotas: Quotas = {};
  for (const q of ['rpm', 'tpm', 'rpd'] as const) {
    const v = str(flags, q);
    if (v === undefined) continue;
    try {
      quotas[q] = integer(0)(v);
    } catch (e) {
      throw new ConfigError(`--${q} ${(e as Error).message}`);
    }
  }
  if (Object.keys(quotas).length > 0) body.quotas = quotas;
  const labels = str(flags, 'label');
  if (labels !== undefined) {
    const entries = list(labels).map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new ConfigError(`--label takes key=value pairs, comma-separated (got "${kv}")`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    });
    body.labels = Object.fromEntries(entries);
  }
  return body;
}

/** Whether the key works now, for the list. */
function statusOf(key: KeyRecord): string {
  return keyRefusal(key, Date.now()) ?? 'active';
}

const day = (iso: string | undefined) => (iso === undefined ? '-' : iso.replace(/:\d\d\.\d{3}Z$/, 'Z'));

function printTable(ctx: CliContext, keys: KeyRecord[]): void {
  const rows = [
    ['ID', 'NAME', 'STATUS', 'CREATED', 'EXPIRES', 'LAST USED', 'MODELS', 'QUOTAS', 'LABELS'],
    ...keys.map((k) => [
      k.id, k.name, statusOf(k), day(k.createdAt), day(k.expiresAt), day(k.lastUsedAt),
      k.allowedModels?.join(',') ?? 'all',
      k.quotas ? Object.entries(k.quotas).map(([q, n]) => `${q}=${n}`).join(',') || '-' : '-',
      k.labels ? Object.entries(k.labels).map(([l, v]) => `${l}=${v}`).join(',') || '-' : '-',
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) ctx.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}\n`);
}

/** Prints a new secret: alone on stdout (so `$(gemserve keys create ...)` captures it), or as JSON. */
function printIssued(ctx: CliContext, issued: IssuedKey, json: boolean, what: string): void {
  if (json) ctx.stdout.write(`${JSON.stringify({ key: issued.record, secret: issued.secret }, null, 2)}\n`);
  else ctx.stdout.write(`${issued.secret}\n`);
  ctx.stderr.write(`${what} ${issued.record.id} (${issued.record.name}); the secret above is shown only this once\n`);
}

/** The `keys` command. */
export const keysCommand: Command = {
  name: 'keys',
  summary: 'Create, list, revoke and rotate API keys (kept in the data dir).',
  usage: 'keys create --name NAME [options] | list [--json] | revoke ID | rotate ID [--grace 10m]',
  description: [
    'Keys live in <data dir>/gemserve.db, which `serve` reads on every request: a change made here works',
    'at once on a server running on the same data dir. Secrets look like Google API keys (AIza...); only',
    'their SHA-256 is stored, and create and rotate print the secret once, on stdout.',
    '  create --name NAME [--expires 30d|2026-12-31] [--models gemini-2.0-flash,gemma-*] [--rpm N] [--tpm N]',
    '         [--rpd N] [--label team=ml,env=dev]',
    '  list [--json]       every key, revoked and expired ones included; never a secret',
    '  revoke ID           the key stops working at once',
    '  rotate ID [--grace 10m]  a new secret for the same key; the old one works for the grace period (default: none)',
    'Once any key exists, `serve` requires a key (or --api-key one, or a JWT) on every request.',
  ].join('\n'),
  settingsOf: 'keys',
  options: {
    name: { type: 'string', valueName: 'NAME', help: 'create: the key\'s name (shown in lists, usage and metrics).' },
    expires: { type: 'string', valueName: 'WHEN', help: 'create: when the key stops working: a duration from now (90s, 12h, 30d) or a date/time (2026-12-31, RFC 3339).' },
    models: { type: 'string', valueName: 'IDS', help: 'create: the only models the key may use, comma-separated; a trailing * matches a prefix. Default: all.' },
    rpm: { type: 'string', valueName: 'N', help: 'create: requests per minute the key may make.' },
    tpm: { type: 'string', valueName: 'N', help: 'create: tokens per minute the key may use.' },
    rpd: { type: 'string', valueName: 'N', help: 'create: requests per day (UTC) the key may make.' },
    label: { type: 'string', valueName: 'K=V,...', help: 'create: labels, comma-separated key=value pairs (lowercase letters, digits, _ and -).' },
    grace: { type: 'string', valueName: 'DURATION', help: 'rotate: how long the old secret keeps working (e.g. 10m, 1h). Default: it stops at once.' },
    json: { type: 'boolean', help: 'create, rotate, list: print JSON.' },
  },
  async run({ flags, positionals }, ctx) {
    const [action, id, ...extra] = positionals;
    const wantsId = action === 'revoke' || action === 'rotate';
    if (!['create', 'list', 'revoke', 'rotate'].includes(action ?? '') || extra.length > 0 || wantsId !== (id !== undefined)) {
      throw new ConfigError(USAGE);
    }
    const { settings } = await loadSettings({ command: 'keys', flags, env: ctx.env, cwd: ctx.cwd });
    const file = databaseFileIn(settings.dataDir);
    let store: SqliteKeyStore;
    try {
      store = new SqliteKeyStore({ file });
    } catch (e) {
      throw new CliError(`cannot open the API keys in ${file}: ${(e as Error).message}`);
    }
    const json = flags.json === true;
    try {
      if (action === 'create') {
        if (str(flags, 'name') === undefined) throw new ConfigError('keys create needs --name NAME');
        const issued = await store.create(asUsageError(() => checkNewKey(newKeyBody(flags), Date.now())));
        printIssued(ctx, issued, json, 'created key');
      } else if (action === 'list') {
        const keys = await store.list();
        if (json) ctx.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
        else if (keys.length === 0) ctx.stderr.write(`no API keys in ${file}; create one with: gemserve keys create --name NAME\n`);
        else printTable(ctx, keys);
      } else if (action === 'revoke') {
        const key = await store.revoke(id);
        if (!key) throw new CliError(`no API key ${id} in ${file}`);
        ctx.stderr.write(`revoked key ${key.id} (${key.name})\n`);
      } else {
        const grace = str(flags, 'grace');
        const graceMs = grace === undefined ? 0 : parseDuration(grace);
        if (graceMs === undefined) throw new ConfigError(`--grace takes a duration like 90s, 10m or 1h (got "${grace}")`);
        const key = await store.get(id);
        if (!key) throw new CliError(`no API key ${id} in ${file}`);
        if (key.revokedAt !== undefined) throw new CliError(`API key ${id} is revoked; create a new key instead`);
        const issued = await store.rotate(id, { graceMs });
        if (!issued) throw new CliError(`no API key ${id} in ${file}`);
        printIssued(ctx, issued, json, 'rotated key');
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};

/** A bad value (the admin API's 400) is a usage error here: exit 2 with the message. */
function asUsageError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isGemserveError(e)) throw new ConfigError(e.message);
    throw e;
  }
}
