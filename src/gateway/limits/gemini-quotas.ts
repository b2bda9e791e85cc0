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

/** The limits of methods that do not generate, each with a quota of its own. */
export type SideQuotaKind = 'countTokensRpm' | 'filesRpm';

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

/**
 * countTokens has a quota of its own, apart from the generate quotas (it generates nothing and is
 * not billed): Google documents 3,000 requests per minute for the Count Tokens API
 * (firebase.google.com/docs/ai-logic/count-tokens, "Pricing and quota"; Vertex AI's
 * cloud.google.com/vertex-ai/generative-ai/docs/multimodal/get-token-count says the same), so
 * that is the default (`--count-tokens-rpm`). Google's 429s for it are not on record: the id and
 * metric follow the generate ones' pattern, `PerMinute` so that gemini-cli retries after a minute.
 *
 * Files: Google documents storage (20 GB per project) and per-file limits for the Files API
 * (ai.google.dev/gemini-api/docs/files) but no request rate, so gemserve's default
 * (`--files-rpm`, 300 upload starts a minute per key) is its own, and so are the id and metric,
 * in Google's pattern. They count per caller, not per model.
 */
export const SIDE_QUOTAS: Record<SideQuotaKind, GeminiQuota> = {
  countTokensRpm: {
    quotaMetric: 'generativelanguage.googleapis.com/count_tokens_requests',
    quotaId: 'CountTokensRequestsPerMinutePerProjectPerModel',
  },
  filesRpm: {
    quotaMetric: 'generativelanguage.googleapis.com/file_upload_requests',
    quotaId: 'FileUploadRequestsPerMinutePerProject',
  },
};

/** Google's documented Count Tokens API quota, requests per minute (see {@link SIDE_QUOTAS}). */
export const COUNT_TOKENS_RPM = 3000;

/** gemserve's default for upload starts per minute and key (Google documents none; see {@link SIDE_QUOTAS}). */
export const FILES_RPM = 300;
