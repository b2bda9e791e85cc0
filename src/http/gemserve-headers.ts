/**
 * gemserve's own response headers (Google has none of these). Headers, not body fields, so no
 * SDK's response parsing can trip on them; @google/genai users read them from
 * `response.sdkHttpResponse.headers`. Written from the generation's outcome, never read back.
 */

/**
 * How the response cache answered: `hit` (no engine work; the body is the stored one,
 * `responseId` included), `miss` (the engine ran; the result is stored if it completes),
 * `bypass` (the cache policy leaves this request to the engine, e.g. temperature 1 without a
 * seed). Absent when the server runs without a cache.
 */
export const CACHE_HEADER = 'x-gemserve-cache';

/**
 * The engine that took the request, when the model routes between engines (engines/routed/):
 * its label. For canary checks by apps.
 */
export const ENGINE_HEADER = 'x-gemserve-engine';

/** Which path each kind of media took, e.g. `image=pixels, audio=transcript, video=frames+transcript`. */
export const MEDIA_PATH_HEADER = 'x-gemserve-media-path';
