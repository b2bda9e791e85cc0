import { hostname as machineName, networkInterfaces } from 'node:os';
import { BlockList, isIP } from 'node:net';
import type { onRequestHookHandler } from 'fastify';
import { Errors } from '../core/errors.js';
import { splitHostHeader, type OriginAllowlist } from './origin-allowlist.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4'); // RFC 1122 §3.2.1.3
LOOPBACK.addAddress('::1', 'ipv6'); // RFC 4291 §2.5.3

/** What the `Host` check needs to know about the server. */
export interface HostCheckOptions {
  /** True while the server has no keys (CallerResolver.isOpen): only then is `Host` checked. */
  isOpen: () => Promise<boolean>;
  /** The address the server listens on (`--host`); absent: loopback. */
  bindHost?: string;
  allowlist: OriginAllowlist;
}

/** `[::1]` → `::1`; names lower case. */
const bare = (h: string) => h.toLowerCase().replace(/^\[(.*)\]$/, '$1');

/** The machine's own addresses, for a server bound to every interface (`0.0.0.0`, `::`). */
function interfaceAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const i of list ?? []) out.add(i.address.toLowerCase());
  return out;
}

/**
 * Whether `hostname` names this server: a loopback name or address, `*.localhost` (RFC 6761 §6.3:
 * always loopback), the machine's own name (as Ollama's `allowedHost`), the bind address, or any
 * of the machine's addresses when bound to all of them. A rebinding page's requests carry its
 * own DNS name, never one of these (the browser sets `Host` from the URL, Fetch standard's
 * forbidden request headers). The port is not compared: a port forward (`docker -p 8080:8000`,
 * `ssh -L`) presents another, and a rebinding attack is told apart by the name, not the port.
 */
function namesThisServer(hostname: string, bindHost: string): boolean {
  const h = bare(hostname);
  if (h === 'localhost' || h.endsWith('.localhost') || h === machineName().toLowerCase()) return true;
  const family = isIP(h);
  if (family === 0) return false;
  if (LOOPBACK.check(h, family === 4 ? 'ipv4' : 'ipv6')) return true;
  const bind = bare(bindHost);
  if (h === bind) return true;
  return (bind === '0.0.0.0' || bind === '::') && interfaceAddresses().has(h);
}

/**
 * The DNS rebinding defence of a server without keys, as Ollama added it
 * (`allowedHostsMiddleware`, ollama/ollama server/routes.go): a request whose `Host` names
 * something other than this server ({@link namesThisServer}) or a host in `--allowed-origins`
 * gets Google's 403 before any route runs. Servers with keys are not restricted: keys guard them,
 * and a reverse proxy in front may rewrite `Host`. A request with no `Host` at all (HTTP/1.0) is
 * no browser's and passes.
 */
export function createHostCheck(opts: HostCheckOptions): onRequestHookHandler {
  const bindHost = opts.bindHost ?? '127.0.0.1';
  return async function checkHost(request) {
    const host = request.headers.host;
    if (host === undefined || host === '' || opts.allowlist.any) return;
    if (!(await opts.isOpen())) return;
    const parsed = splitHostHeader(host);
    if (parsed && (namesThisServer(parsed.hostname, bindHost) || opts.allowlist.allowsHost(parsed.hostname))) return;
    throw Errors.hostNotAllowed(host);
  };
}
