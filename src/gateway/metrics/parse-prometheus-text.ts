/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4,
 * prometheus.io/docs/instrumenting/exposition_formats, "Text format details"): every line is a
 * `# HELP`, a `# TYPE`, another comment, blank, or a sample `name{label="value",…} value
 * [timestamp]`; each sample belongs to the family its `# TYPE` declared (stricter than Prometheus, which takes undeclared samples as untyped) (histograms add
 * `_bucket`, `_sum`, `_count`; summaries `_sum`, `_count`), a TYPE comes before the family's
 * samples and only once. Used by tests to prove `/metrics` parses; returns the samples.
 */

/** One sample line. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The parsed exposition. */
export interface PrometheusText {
  types: Map<string, string>;
  help: Map<string, string>;
  samples: PrometheusSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?Inf|NaN)$/;

function parseValue(s: string, line: number): number {
  if (!VALUE.test(s)) throw new SyntaxError(`line ${line}: bad sample value ${JSON.stringify(s)}`);
  if (s.endsWith('Inf')) return s.startsWith('-') ? -Infinity : Infinity;
  return s === 'NaN' ? NaN : Number(s);
}

/** Parses `{a="x",b="y"}` from `text[at]` (which is `{`); returns the labels and the index after `}`. */
function parseLabels(text: string, at: number, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  let i = at + 1;
  const fail = (why: string) => new SyntaxError(`line ${line}: ${why} in labels`);
  while (text[i] !== '}') {
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (!m) throw fail('bad label name');
    const name = m[0];
    i += name.length;
    if (text[i] !== '=' || text[i + 1] !== '"') throw fail(`expected ="… after ${name}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw fail('unterminated value');
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw fail(`bad escape \\${e ?? ''}`);
        i += 2;
      } else {
        value += c;
        i += 1;
      }
    }
    i += 1;
    if (name in labels) throw fail(`label ${name} repeated`);
    labels[name] = value;
    if (text[i] === ',') i += 1;
    else if (text[i] !== '}') throw fail('expected , or }');
  }
  return [labels, i + 1];
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const t = types.get(base);
    if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return base;
  }
  return undefined;
}

/** Parses the exposition; throws a SyntaxError naming the first bad line. */
export function parsePrometheusText(text: string): PrometheusText {
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  const samples: PrometheusSample[] = [];
  const seen = new Set<string>();
  if (text !== '' && !text.endsWith('\n')) throw new SyntaxError('the exposition must end with a line feed');
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((raw, index) => {
    const n = index + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = new RegExp(`^#\\s+(HELP|TYPE)\\s+(${NAME})(?:\\s+(.*))?$`).exec(raw);
      if (!m) return; // an ordinary comment
      const [, kind, name, rest = ''] = m;
      if (kind === 'TYPE') {
        if (!TYPES.has(rest.trim())) throw new SyntaxError(`line ${n}: unknown type ${JSON.stringify(rest)}`);
        if (types.has(name) || seen.has(name)) throw new SyntaxError(`line ${n}: TYPE of ${name} repeated or after its samples`);
        types.set(name, rest.trim());
      } else {
        if (help.has(name)) throw new SyntaxError(`line ${n}: HELP of ${name} repeated`);
        help.set(name, rest);
      }
      return;
    }
    const nm = new RegExp(`^${NAME}`).exec(raw);
    if (!nm) throw new SyntaxError(`line ${n}: not a sample: ${JSON.stringify(raw)}`);
    const name = nm[0];
    let labels: Record<string, string> = {};
    let i = name.length;
    if (raw[i] === '{') [labels, i] = parseLabels(raw, i, n);
    const rest = raw.slice(i);
    const vm = /^[ \t]+(\S+)(?:[ \t]+(-?\d+))?[ \t]*$/.exec(rest);
    if (!vm) throw new SyntaxError(`line ${n}: expected a value after ${name}`);
    const family = familyOf(name, types);
    if (family === undefined) {
      throw new SyntaxError(`line ${n}: sample ${name} belongs to no declared family`);
    }
    seen.add(family);
    samples.push({ name, labels, value: parseValue(vm[1], n) });
  });
  return { types, help, samples };
}

/** The value of the sample with this name and these labels (all given ones must match), or undefined. */
export function sampleValue(parsed: PrometheusText, name: string, labels: Record<string, string> = {}): number | undefined {
  return parsed.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}
