/**
 * API versions served. The SDKs default to `v1beta` and let users pick `v1` or `v1alpha`
 * (ai.google.dev/gemini-api/docs/api-versions); gemserve answers all three alike.
 */
export const API_VERSIONS = ['v1beta', 'v1', 'v1alpha'] as const;
