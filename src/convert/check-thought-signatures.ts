import type { Content } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { ModelDefinition } from '../core/catalog/model-definition.js';
import { Errors } from '../core/errors.js';
import { DUMMY_THOUGHT_SIGNATURES, type ThoughtSigner } from './thought-signer.js';

/**
 * Whether the model validates thought signatures as Gemini 3 does: "When using Gemini 3 models,
 * you must pass back thought signatures during function calling, otherwise you will get a
 * validation error (4xx status code)" (ai.google.dev/gemini-api/docs/thought-signatures), and
 * the later generations with them; except Gemini 3 Pro Image, which "doesn't enforce this
 * validation" (docs.cloud.google.com/vertex-ai/generative-ai/docs/thought-signatures). A
 * `-latest` alias is judged by its target.
 */
export function validatesThoughtSignatures(def: ModelDefinition): boolean {
  const id = def.aliasOf ?? def.id;
  return /^gemini-([3-9]|\d{2,})([.-]|$)/.test(id) && !id.startsWith('gemini-3-pro-image');
}

/** Google's text for a current-turn step whose first call has no signature (verbatim, e.g. manthanabc/paws#103). */
function missingSignature(name: string, position: number): string {
  return 'Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, ' +
    `and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , ` +
    `position ${position}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`;
}

/** Google's text for a signature it cannot validate (google-gemini/gemini-cli#13467, charmbracelet/crush#1698). */
const CORRUPTED = 'Corrupted thought signature.';

/**
 * Gemini 3's validation of the signatures a request sends back (ai.google.dev/gemini-api/docs/thought-signatures,
 * "Validation"): only the current turn counts, the model steps after the last user content
 * with standard content (not only function responses); the first `functionCall` part of each
 * such step must carry its signature, else Google's 400 naming the call and the content's
 * position (1-based, as Vertex's "in the 2. content block" shows for the same case). A signature
 * that is there must verify: one of Google's dummies passes; one naming this server's key must be
 * this server's, byte for byte (`signer`); any other (Google's, another gemserve's) is the engine's
 * to judge when the engine issues signatures of its own (a Gemini upstream), else Google's
 * "Corrupted thought signature." Earlier turns are not validated ("we
 * don't validate on previous turns"), and models before Gemini 3 never require signatures.
 */
export function checkThoughtSignatures(contents: readonly Content[], entry: CatalogEntry, signer: ThoughtSigner): void {
  if (!validatesThoughtSignatures(entry.definition)) return;
  const start = currentTurnStart(contents);
  for (let i = start; i < contents.length; i++) {
    const content = contents[i];
    if (content.role !== 'model') continue;
    const first = content.parts.find((p) => p.functionCall);
    if (!first?.functionCall) continue;
    const signature = first.thoughtSignature;
    if (!signature) throw Errors.invalidArgument(missingSignature(first.functionCall.name, i + 1));
    if (DUMMY_THOUGHT_SIGNATURES.has(signature)) continue;
    // This server's own must verify; any other is for an engine that issues signatures of its own
    // (a Gemini upstream: Google, or another gemserve) to judge.
    const valid = signer.namesThisKey(signature) ? signer.verify(signature) : entry.engine.capabilities.thoughtSignatures === true;
    if (!valid) throw Errors.invalidArgument(CORRUPTED);
  }
}

/** Index of the first content of the current turn: just after the last user content that is not only function responses. */
function currentTurnStart(contents: readonly Content[]): number {
  for (let i = contents.length - 1; i >= 0; i--) {
    const c = contents[i];
    if (c.role !== 'model' && c.parts.some((p) => !p.functionResponse)) return i + 1;
  }
  return 0;
}
