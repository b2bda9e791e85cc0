import { modelOfPath } from './classify-interaction.js';
import { generationConfig, schemasExcerpt, thinkingExcerpt, toolsExcerpt } from './body-excerpts.js';
import type { InteractionResult } from './replay-recording.js';

/** A cause recognised from gemserve's error and the request, and the part of the body to show. */
interface Rule {
  cause: string;
  matches: (r: InteractionResult, message: string) => boolean;
  excerpt?: (body: Record<string, unknown>) => unknown;
}

/** gemserve's text when the engine bound to the model lacks a capability (src/core/errors.ts, capabilityUnsupported). */
const CAPABILITY = /^(.*?) is not supported by models\/\S+ on this server/s;

/** The part of the body a refused capability is about, by the field its name cites. */
function capabilityExcerpt(message: string): ((b: Record<string, unknown>) => unknown) | undefined {
  if (/thinkingConfig/.test(message)) return thinkingExcerpt;
  if (/tools\./.test(message)) return toolsExcerpt;
  if (/responseMimeType|schema/i.test(message)) return schemasExcerpt;
  return undefined;
}

/** Checked in order; the first match names the cause. */
const RULES: Rule[] = [
  {
    cause: 'unknown model name',
    matches: (r, m) => r.gemserveStatus === 404 && modelOfPath(r.url) !== undefined && /not found/i.test(m),
  },
  {
    // The cause is named from the message itself: `engine cannot do it: MCP servers (tools.mcpServers)`.
    cause: 'engine cannot do it',
    matches: (_, m) => CAPABILITY.test(m),
  },
  {
    cause: 'thinking config refused',
    matches: (_, m) => /thinking/i.test(m),
    excerpt: thinkingExcerpt,
  },
  {
    cause: 'JSON schema keyword refused',
    matches: (_, m) => /schema|\$ref|\$defs|anyOf|pattern|minimum|maximum|format/i.test(m),
    excerpt: schemasExcerpt,
  },
  {
    cause: 'output modality refused',
    matches: (_, m) => /response modalities|responseModalities/i.test(m),
    excerpt: (b) => ({ generationConfig: { responseModalities: generationConfig(b).responseModalities } }),
  },
  {
    cause: 'thought signature refused',
    matches: (_, m) => /thought.?signature/i.test(m),
  },
  {
    cause: 'unsupported tool',
    matches: (_, m) => /tool|mcp|function/i.test(m),
    excerpt: toolsExcerpt,
  },
  {
    cause: 'unsupported endpoint',
    matches: (r) => r.gemserveStatus === 404 || r.gemserveStatus === 405 || r.gemserveStatus === 501,
  },
];

/** The cause of a status difference, from gemserve's error and the request, and the part of the body to show with it. */
export function causeOf(r: InteractionResult, message: string): { cause: string; excerpt?: (b: Record<string, unknown>) => unknown } {
  const rule = RULES.find((x) => x.matches(r, message));
  if (!rule) return { cause: `other: ${r.gemserveStatus} ${r.gemserveError?.status ?? ''}`.trim() };
  if (rule.cause === 'engine cannot do it') {
    const feature = CAPABILITY.exec(message)?.[1] ?? '';
    return { cause: `engine cannot do it: ${feature}`, excerpt: capabilityExcerpt(message) };
  }
  return { cause: rule.cause, excerpt: rule.excerpt };
}
