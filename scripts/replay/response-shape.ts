/**
 * The shape of a response: every key path (array elements as `[]`) with the JSON types seen
 * there, merged over all segments (a stream's chunks, or the elements of a JSON-array stream).
 * Values are not compared: a local model's text, token counts and ids differ from Google's.
 */
export type Shape = Map<string, Set<string>>;

/**
 * Objects whose keys are data, not schema: a function call's arguments and a function response
 * are whatever the declaration or the tool made them (ai.google.dev/api/caching#FunctionCall).
 */
const FREE_FORM = ['functionCall.args', 'functionResponse.response'];

/** The shape of a recorded or replayed body. */
export function shapeOf(segments: unknown[]): Shape {
  const shape: Shape = new Map();
  for (const segment of segments) {
    for (const item of Array.isArray(segment) ? segment : [segment]) walk(item, '', shape);
  }
  return shape;
}

function walk(value: unknown, path: string, shape: Shape): void {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (path !== '') {
    const types = shape.get(path) ?? new Set<string>();
    types.add(type);
    shape.set(path, types);
  }
  if (Array.isArray(value)) {
    for (const item of value) walk(item, `${path}[]`, shape);
  } else if (type === 'object') {
    if (FREE_FORM.some((suffix) => path.endsWith(suffix))) return;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, path === '' ? k : `${path}.${k}`, shape);
  }
}

/** Where two shapes differ: paths only Google's has, paths only gemserve's has, and paths whose types differ. */
export interface ShapeDifference {
  missing: string[];
  extra: string[];
  typeMismatch: { path: string; google: string[]; gemserve: string[] }[];
}

/** A path whose presence depends on what the model generated, and when it does. */
interface ContentDependentPath {
  path: RegExp;
  /** Why; and, when given, the case in which it applies (else always). */
  why: string;
  when?: (google: Shape, gemserve: Shape) => boolean;
}

const PART_KIND = /^candidates\[\]\.content\.parts\[\]\.[^.[]+$/;
const FUNCTION_CALL = 'candidates[].content.parts[].functionCall';

/**
 * Paths that are not the server's shape but the model's doing. Reported apart; never counted as a
 * shape difference. Inside a part kind both sides produced (say `functionCall.id`), paths are
 * compared again.
 */
const CONTENT_DEPENDENT: ContentDependentPath[] = [
  { path: PART_KIND, why: 'which kinds of part (text, functionCall, thought, thoughtSignature, inlineData) the model produced' },
  { path: /^usageMetadata\.thoughtsTokenCount$/, why: 'Google omits it when nothing was thought' },
  { path: /^usageMetadata\.(?:toolUsePromptTokenCount|toolUsePromptTokensDetails)$/, why: 'present only when a server-side tool added prompt tokens' },
  {
    path: /^candidates\[\]\.finishMessage$/,
    why: 'Google sets "Model generated function call(s)." only when the model called a function',
    when: (google, gemserve) => !(google.has(FUNCTION_CALL) && gemserve.has(FUNCTION_CALL)),
  },
  {
    path: /^(?:candidates\[\]\.content\.parts|usageMetadata\.candidatesTokenCount)$/,
    why: 'Google omits both when the model produced no output token (maxOutputTokens spent on thoughts)',
    when: (google) => !google.has('candidates[].content.parts'),
  },
];

/** The content-dependent paths and why, for the report. */
export function contentDependentRules(): { path: string; why: string }[] {
  return CONTENT_DEPENDENT.map((c) => ({ path: c.path.source, why: c.why }));
}

/** Compares two shapes, splitting out the paths that depend on the generated content. */
export function compareShapes(google: Shape, gemserve: Shape): { structural: ShapeDifference; contentDependent: ShapeDifference } {
  const all: ShapeDifference = { missing: [], extra: [], typeMismatch: [] };
  for (const [path, types] of google) {
    const theirs = gemserve.get(path);
    if (!theirs) all.missing.push(path);
    else if (![...types].some((t) => theirs.has(t))) all.typeMismatch.push({ path, google: [...types], gemserve: [...theirs] });
  }
  for (const path of gemserve.keys()) if (!google.has(path)) all.extra.push(path);
  const pruned = prune(all);
  const dependent = (path: string) => CONTENT_DEPENDENT.some((c) => c.path.test(path) && (!c.when || c.when(google, gemserve)));
  const split = (keep: boolean): ShapeDifference => ({
    missing: pruned.missing.filter((p) => dependent(p) === keep),
    extra: pruned.extra.filter((p) => dependent(p) === keep),
    typeMismatch: pruned.typeMismatch.filter((t) => dependent(t.path) === keep),
  });
  return { structural: split(false), contentDependent: split(true) };
}

/** Keeps only the topmost missing or extra path of a subtree: `a.b` missing implies `a.b.c` missing. */
function prune(d: ShapeDifference): ShapeDifference {
  const top = (paths: string[]) => paths.filter((p) => !paths.some((q) => q !== p && (p.startsWith(`${q}.`) || p.startsWith(`${q}[]`))));
  return { missing: top(d.missing), extra: top(d.extra), typeMismatch: d.typeMismatch };
}

/** True when nothing differs. */
export function isEmptyDifference(d: ShapeDifference): boolean {
  return d.missing.length === 0 && d.extra.length === 0 && d.typeMismatch.length === 0;
}

/**
 * Top-level keys Google sent in every chunk of a stream but gemserve did not (when gemserve sent
 * them at all: otherwise they are already missing). Google repeats `usageMetadata`, `modelVersion`
 * and `responseId` in each chunk (seen in every recorded stream).
 */
export function keysNotInEveryChunk(google: unknown[], gemserve: unknown[]): string[] {
  if (google.length < 2 || gemserve.length === 0) return [];
  const inEvery = (segments: unknown[]) => {
    const objects = segments.map((s) => (typeof s === 'object' && s !== null ? Object.keys(s) : []));
    return new Set(objects[0].filter((k) => objects.every((keys) => keys.includes(k))));
  };
  const ours = inEvery(gemserve);
  const anywhere = new Set(gemserve.flatMap((s) => (typeof s === 'object' && s !== null ? Object.keys(s) : [])));
  return [...inEvery(google)].filter((k) => !ours.has(k) && anywhere.has(k));
}

/** The first value at a shape path (`candidates[].finishMessage`) in some segments, as short JSON. */
export function sampleAt(segments: unknown[], path: string): string | undefined {
  const steps = path.split('.').flatMap((step) => {
    const m = /^([^[]*)((?:\[\])*)$/.exec(step)!;
    return [...(m[1] ? [m[1]] : []), ...Array<string>(m[2].length / 2).fill('[]')];
  });
  const find = (value: unknown, i: number): unknown => {
    if (i === steps.length) return value;
    if (steps[i] === '[]') {
      if (!Array.isArray(value)) return undefined;
      for (const item of value) {
        const found = find(item, i + 1);
        if (found !== undefined) return found;
      }
      return undefined;
    }
    return typeof value === 'object' && value !== null ? find((value as Record<string, unknown>)[steps[i]], i + 1) : undefined;
  };
  for (const item of segments.flatMap((segment) => (Array.isArray(segment) ? segment : [segment]))) {
    const found = find(item, 0);
    if (found !== undefined) {
      const json = JSON.stringify(found);
      return json.length > 120 ? `${json.slice(0, 119)}…` : json;
    }
  }
  return undefined;
}
