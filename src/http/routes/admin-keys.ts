import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Errors } from '../../core/errors.js';
import { checkKeyPatch, checkNewKey } from '../../gateway/keys/check-key-settings.js';
import type { IssuedKey, KeyRecord } from '../../gateway/keys/key-record.js';
import type { KeyStore } from '../../gateway/keys/key-store.js';
import { parseDuration } from '../../gateway/keys/parse-duration.js';
import type { Clock } from '../../storage/clock.js';
import { requireAdmin } from '../require-admin.js';

/** What the admin API needs. */
export interface AdminKeysOptions {
  store: KeyStore;
  /** The credential (`Authorization: Bearer <admin key>`); never an API key. */
  adminKey: string;
  clock: Clock;
}

/** Create and rotate answer the key and its secret, the only time the secret is shown. */
export interface IssuedKeyResponse {
  key: KeyRecord;
  secret: string;
}

const issued = ({ record, secret }: IssuedKey): IssuedKeyResponse => ({ key: record, secret });

/**
 * The admin API of managed API keys, authorised by the admin key alone (API keys and JWTs do
 * not reach it: its routes are `public` to the API-key hook and check their own credential).
 * Resource style after Google's API keys API (apikeys.googleapis.com), with custom methods
 * after a colon:
 * - `POST /admin/v1/keys` `{name, expiresAt|expiresIn, allowedModels, quotas, labels}` → `{key, secret}`;
 * - `GET /admin/v1/keys` → `{keys}` (revoked ones included); `GET /admin/v1/keys/{id}` → key;
 * - `PATCH /admin/v1/keys/{id}` the same fields, `null` clearing one → key;
 * - `POST /admin/v1/keys/{id}:revoke` → key; `POST /admin/v1/keys/{id}:rotate` `{gracePeriod?: "600s"}` → `{key, secret}`.
 * Secret hashes are never returned. Errors are Google's envelope from the catalog.
 */
export function registerAdminKeys(app: FastifyInstance, opts: AdminKeysOptions): void {
  const { store, clock } = opts;
  const route = { config: { public: true }, onRequest: requireAdmin(opts.adminKey) };
  const found = <T>(id: string, value: T | undefined): T => {
    if (value === undefined) throw Errors.keyNotFound(id);
    return value;
  };
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.post('/admin/v1/keys', route, async (request) => issued(await store.create(checkNewKey(request.body, clock.now()))));
  app.get('/admin/v1/keys', route, async () => ({ keys: await store.list() }));
  app.get('/admin/v1/keys/:id', route, async (request) => found(idOf(request), await store.get(idOf(request))));
  app.patch('/admin/v1/keys/:id', route, async (request) => {
    const patch = checkKeyPatch(request.body ?? {}, clock.now());
    return found(idOf(request), await store.update(idOf(request), patch));
  });
  app.post('/admin/v1/keys/:id', route, async (request) => {
    const m = /^(.+):(revoke|rotate)$/.exec(idOf(request));
    if (!m) throw Errors.notFound(request.url.split('?')[0]);
    const [, id, method] = m;
    if (method === 'revoke') return found(id, await store.revoke(id));
    const graceMs = graceOf(request.body);
    if (found(id, await store.get(id)).revokedAt !== undefined) throw Errors.keyRevoked(id);
    return issued(found(id, await store.rotate(id, { graceMs })));
  });
}

/** `{gracePeriod: "600s"}` (a Google Duration; "10m", "1h" and "1d" too) → ms; absent → 0. */
function graceOf(body: unknown): number {
  const b = (body ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (k !== 'gracePeriod') throw Errors.invalidArgument(`Invalid JSON payload received. Unknown name "${k}": Cannot find field.`);
  }
  if (b.gracePeriod === undefined) return 0;
  const ms = typeof b.gracePeriod === 'string' ? parseDuration(b.gracePeriod) : undefined;
  if (ms === undefined) throw Errors.invalidArgument("Invalid value at 'gracePeriod': a duration like \"600s\" or \"1h\" is required", 'gracePeriod');
  return ms;
}
