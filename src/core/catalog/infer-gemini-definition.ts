/**
 * Describes a `gemini-*` name the catalog does not know from the nearest known model of its
 * family, so a client that names a model newer than gemserve (`gemini-3.9-flash-preview`) gets
 * that family's limits, methods and thinking behaviour: a Gemini 3 Flash, not a 2.0 Flash.
 *
 * A family is the name's generation (`3.9` → major 3), kind (text, image, TTS, Live, embedding:
 * the words `image`, `tts`, `live`/`native-audio`, `embedding`) and tier (`pro`, `flash-lite` /
 * `lite`, `flash`), read the way Google names its models (ai.google.dev/gemini-api/docs/models,
 * "Model version name patterns": `gemini-<generation>-<variation>[-<version>]`).
 */
import type { ModelDefinition } from './model-definition.js';

type Kind = 'text' | 'image' | 'tts' | 'live' | 'embedding';
type Tier = 'pro' | 'flash' | 'flash-lite';

interface Family {
  /** e.g. 3.9 for `gemini-3.9-...`; undefined when the name carries none. */
  generation?: number;
  kind: Kind;
  tier?: Tier;
}

const VERSIONED = /^gemini-(\d+(?:\.\d+)?)(?:-|$)/;

/** The family a model name belongs to, or undefined for a name that is not `gemini-*`. */
export function familyOf(id: string): Family | undefined {
  if (!id.startsWith('gemini-')) return undefined;
  const m = VERSIONED.exec(id);
  const words = id.split('-');
  const has = (w: string) => words.includes(w);
  const kind: Kind = has('tts') ? 'tts'
    : has('live') || id.includes('native-audio') ? 'live'
      : has('image') ? 'image'
        : has('embedding') ? 'embedding'
          : 'text';
  const tier: Tier | undefined = id.includes('flash-lite') || has('lite') ? 'flash-lite'
    : has('pro') ? 'pro'
      : has('flash') ? 'flash'
        : undefined;
  return { generation: m ? Number(m[1]) : undefined, kind, ...(tier ? { tier } : {}) };
}

/** "gemini-3.9-flash-preview" → "Gemini 3.9 Flash Preview". */
function displayNameOf(id: string): string {
  return id.split('-').map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w)).join(' ');
}

/**
 * The known model that best describes `family`: same kind and tier (a text name with no tier
 * counts as Flash, Google's general-purpose tier), then the same major generation, then the
 * newest generation not above the name's (the oldest above it when there is none).
 */
function nearest(family: Family, known: readonly ModelDefinition[]): ModelDefinition | undefined {
  // A known name without a generation (gemini-embedding-001) ranks below every numbered one.
  const described = known
    .map((def) => ({ def, family: familyOf(def.id) }))
    .filter((k): k is { def: ModelDefinition; family: Family } => k.family !== undefined)
    .map((k) => ({ ...k, family: { ...k.family, generation: k.family.generation ?? 0 } }));
  const tier = family.tier ?? (family.kind === 'text' ? 'flash' : undefined);
  const sameKind = described.filter((k) => k.family.kind === family.kind);
  const sameTier = sameKind.filter((k) => tier === undefined || k.family.tier === tier);
  const pool = sameTier.length ? sameTier : sameKind;
  if (pool.length === 0) return undefined;
  const want = family.generation ?? Math.max(...pool.map((k) => k.family.generation as number));
  const major = Math.floor(want);
  const rank = (g: number) => [Math.floor(g) === major ? 0 : 1, g <= want ? want - g : 1000 + (g - want)];
  // Among equals, a model listed first wins (the catalog lists the current model of a line first).
  const best = pool.reduce((a, b) => {
    const [ra, rb] = [rank(a.family.generation as number), rank(b.family.generation as number)];
    return rb[0] < ra[0] || (rb[0] === ra[0] && rb[1] < ra[1]) ? b : a;
  });
  return best.def;
}

/**
 * A definition for `id`, a `gemini-*` name not in `known`, copied from the nearest known model of
 * its family. Undefined when `id` is not a Gemini name or no model of its kind is known.
 */
export function inferGeminiDefinition(id: string, known: readonly ModelDefinition[]): ModelDefinition | undefined {
  const family = familyOf(id);
  if (!family) return undefined;
  const template = nearest(family, known.filter((d) => !d.retired && !d.aliasOf));
  if (!template) return undefined;
  const { retired: _retired, aliasOf: _aliasOf, ...rest } = template;
  return {
    ...rest,
    id,
    version: family.generation !== undefined ? String(family.generation) : template.version,
    displayName: displayNameOf(id),
    description: `Not in gemserve's catalog: described as ${template.displayName} (${template.id}), the nearest known model of its family.`,
    legacy: false,
    inferredFrom: template.id,
  };
}
