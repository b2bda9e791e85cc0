/**
 * The quotas gemserve enforces, named as Google names its Gemini API quotas in the
 * `QuotaFailure` of a 429, so that clients which classify quota errors by name keep working.
 *
 * Google's real ids and metrics (429 bodies quoted in python-genai#2044, RooCode#3883,
 * gemini-cli-action#36, browserbase/mcp-server-browserbase#129):
 *   - `GenerateRequestsPerMinutePerProjectPerModel-FreeTier`, `GenerateRequestsPerDayPerProjectPerModel-FreeTier`
 *     on metric `generativelanguage.googleapis.com/generate_content_free_tier_requests`;
 *   - `GenerateContentInputTokensPerModelPerMinute-FreeTier` on `…/generate_content_free_tier_input_token_count`,
 *     and on paid tiers `GenerateContentPaidTierInputTokensPerModelPerMinute` on `…/generate_content_paid_tier_input_token_count`;
 *   - the older `…/generate_content_requests` metric (generative-ai-python#206).
 *
 * gemini-cli (packages/core/src/utils/googleQuotaErrors.ts, `classifyGoogleError`) treats a
 * violation whose `quotaId` contains `PerDay` or `Daily` as terminal (no retry), a `RetryInfo`
 * delay up to 300 s as a retry after that delay, and `PerMinute` as a retry after 60 s; so the
 * ids below say `PerMinute` / `PerDay` exactly where Google's do. gemserve is not a free tier,
 * so the ids carry no `-FreeTier` suffix. Its token quota counts total tokens (prompt +
 * candidates + thoughts, as `Quotas.tpm` documents), not only input tokens, hence its own
 * metric and id in Google's pattern.
 */

/** One of the three limits of a (caller, model). */
export type QuotaKind = 'rpm' | 'tpm' | 'rpd';

export interface GeminiQuota {
  quotaMetric: string;
  quotaId: string;
}

export const GEMINI_QUOTAS: Record<QuotaKind, GeminiQuota> = {
  rpm: {
    quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests',
    quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
  },
  tpm: {
    quotaMetric: 'generativelanguage.googleapis.com/generate_content_token_count',
    quotaId: 'GenerateContentTokensPerModelPerMinute',
  },
  rpd: {
    quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests',
    quotaId: 'GenerateRequestsPerDayPerProjectPerModel',
  },
};
