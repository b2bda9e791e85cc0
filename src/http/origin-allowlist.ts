import { isIP } from 'node:net';

/**
 * Which web origins may call the server from a browser, and which hosts a keyless server answers
 * to, from `--allowed-origins` (the model is Ollama's `OLLAMA_ORIGINS`, envconfig/config.go).
 */
export interface OriginAllowlist {
  /** `*` was listed: any origin and any host (unsafe on a server without keys). */
  readonly any: boolean;
  /** True for a loopback origin, an app origin Ollama allows, or one matching a listed pattern. */
  allowsOrigin(origin: string): boolean;
  /** True when a listed `http(s)` pattern's host matches `hostname` (no port, lower case, IPv6 in brackets). */
  allowsHost(hostname: string): boolean;
}

/**
 * Allowed whatever is listed: the loopback names Ollama allows (any port, http or https; its
 * `0.0.0.0` is left out, as browsers refuse to fetch it), IPv6 loopback, and the schemes of
 * desktop shells (Electron's `app://`, Tauri's `tauri://`, `file://`) that Ollama's envconfig
 * appends to OLLAMA_ORIGINS: no web page can send those origins. `Origin: null` (file pages,
 * but also any site's sandboxed iframe) is never allowed unless `*` is listed.
 */
export const DEFAULT_ALLOWED_ORIGINS = [
  'http://localhost', 'https://localhost', 'http://localhost:*', 'https://localhost:*',
  'http://127.0.0.1', 'https://127.0.0.1', 'http://127.0.0.1:*', 'https://127.0.0.1:*',
  'http://[::1]', 'https://[::1]', 'http://[::1]:*', 'https://[::1]:*',
  'app://*', 'tauri://*', 'file://*',
] as const;

/** `*` stands for one run of characters within a host label or port: never `/`, `:`, `.`, `@`. */
function toRegExp(pattern: string, wildcard: string): RegExp {
  const source = pattern.toLowerCase().split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join(wildcard);
  return new RegExp(`^${source}$`);
}

/** `https://*.example.com:8443` → `*.example.com`; undefined for other schemes. */
function hostPatternOf(pattern: string): string | undefined {
  const m = /^https?:\/\/(\[[^\]]*\]|[^/:]*)(?::[^/]*)?\/?$/i.exec(pattern);
  return m ? m[1] : undefined;
}

/**
 * Builds the allowlist from `--allowed-origins` entries: exact origins (`https://app.example.com`),
 * patterns with `*` for a label or a port (`https://*.example.com`, `http://192.168.1.5:*`,
 * `chrome-extension://*`), or `*` alone for any. Matching is case-insensitive and whole-origin,
 * so `https://*.example.com` matches `https://a.example.com` but not `https://evilexample.com`
 * nor `https://a.example.com.evil.test`.
 */
export function createOriginAllowlist(entries: readonly string[] = []): OriginAllowlist {
  const listed = entries.map((e) => e.trim().replace(/\/+$/, '')).filter(Boolean);
  const any = listed.includes('*');
  // One label: `*.example.com` must not match `a.b.example.com`'s `a.b` (as a pattern, not a suffix).
  const origins = [...DEFAULT_ALLOWED_ORIGINS, ...listed].map((p) => toRegExp(p, '[^/:.@]*'));
  // Desktop schemes carry no host to check: their `*` may span anything but a path.
  const apps = ['app://*', 'tauri://*', 'file://*'].map((p) => toRegExp(p, '[^/]*'));
  const hosts = listed.map(hostPatternOf).filter((h): h is string => h !== undefined && h !== '').map((h) => toRegExp(h, '[^/:.@]*'));
  return {
    any,
    allowsOrigin: (origin) => {
      if (any) return true;
      const o = origin.toLowerCase();
      return origins.some((r) => r.test(o)) || apps.some((r) => r.test(o));
    },
    allowsHost: (hostname) => any || hosts.some((r) => r.test(hostname.toLowerCase())),
  };
}

/** `Host` header → `[hostname, port]` (hostname lower case, IPv6 kept in brackets), or undefined when malformed. */
export function splitHostHeader(host: string): { hostname: string; port?: string } | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!m) return undefined;
  const hostname = m[1].toLowerCase();
  if (hostname.startsWith('[') && isIP(hostname.slice(1, -1)) !== 6) return undefined;
  return m[2] === undefined ? { hostname } : { hostname, port: m[2] };
}
