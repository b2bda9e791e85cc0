/**
 * Is a gemserve already answering at a base URL? Asks its `GET /healthz` (src/http/routes/health.ts:
 * public, `{"status": "ok"}` once the models are loaded; the mount prefix serves one too).
 */

/** How long a probe may take: a server on loopback answers in milliseconds. */
export const PROBE_TIMEOUT_MS = 1500;

/** What answered: a ready gemserve, nothing at all, or something else (another program, or a gemserve shutting down). */
export type ProbeResult = { kind: 'gemserve' } | { kind: 'absent'; reason: string } | { kind: 'other'; reason: string };

/** Probes `${baseUrl}/healthz`. Never throws. */
export async function probeGemserve(baseUrl: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl.replace(/\/+$/, '')}/healthz`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { kind: 'absent', reason: cause ?? (e as Error).message };
  }
  const body = await res.text().catch(() => '');
  if (res.status !== 200) return { kind: 'other', reason: `GET /healthz answered ${res.status}` };
  try {
    if ((JSON.parse(body) as { status?: unknown }).status === 'ok') return { kind: 'gemserve' };
  } catch {
    // not JSON: not gemserve
  }
  return { kind: 'other', reason: 'GET /healthz answered 200 but not as gemserve does' };
}

/**
 * The base URL a client on this machine reaches a server at: a wildcard listen address is
 * reached on loopback (so gemini-cli only ever talks to 127.0.0.1 or ::1), IPv6 in brackets.
 */
export function connectableBaseUrl(host: string, port: number, mountPrefix: string): string {
  const reach = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  const bracketed = reach.includes(':') && !reach.startsWith('[') ? `[${reach}]` : reach;
  return `http://${bracketed}:${port}${mountPrefix}`;
}
