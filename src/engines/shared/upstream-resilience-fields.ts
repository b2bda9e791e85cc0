/**
 * The config fields of the upstream engines' resilience (gemini-upstream, openai-compatible):
 * retries (retry-policy.ts) and the circuit breaker (circuit-breaker.ts), with their defaults.
 */
import type { ConfigFields } from '../../core/config-fields.js';
import { DEFAULT_BREAKER } from './circuit-breaker.js';
import { DEFAULT_RETRY } from './retry-policy.js';

export const UPSTREAM_RESILIENCE_FIELDS = {
  retry: {
    type: 'object',
    help: 'Retries of 429, 5xx, timeouts and broken connections (never another 4xx), with exponential backoff and full jitter, only before the first chunk went out.',
    fields: {
      maxAttempts: { type: 'integer', min: 1, max: 20, default: String(DEFAULT_RETRY.maxAttempts), help: 'Attempts in all, the first included; 1 = no retries.' },
      initialDelayMs: { type: 'integer', min: 0, max: 600_000, default: String(DEFAULT_RETRY.initialDelayMs), help: "The backoff's base: the cap of the first retry's random delay." },
      maxDelayMs: {
        type: 'integer', min: 0, max: 3_600_000, default: String(DEFAULT_RETRY.maxDelayMs),
        help: "The longest delay, and the longest upstream hint (RetryInfo, Retry-After) honoured; a longer hint ends the retries.",
      },
    },
  },
  breaker: {
    type: 'object',
    help: 'The circuit breaker: after enough consecutive failures, requests are refused at once (503) until a probe succeeds.',
    fields: {
      failureThreshold: { type: 'integer', min: 1, max: 1_000, default: String(DEFAULT_BREAKER.failureThreshold), help: 'Consecutive failures that open the breaker.' },
      coolDownMs: { type: 'integer', min: 0, max: 3_600_000, default: String(DEFAULT_BREAKER.coolDownMs), help: 'How long it stays open before a probe.' },
    },
  },
} as const satisfies ConfigFields;
